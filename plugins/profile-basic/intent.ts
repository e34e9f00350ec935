import { codeBody } from './code-body.js';
import type { Detection } from './detection.js';
import { domainTags } from './domains.js';

/**
 * Chit-chat (small talk with the assistant: greetings, feelings, opinions,
 * questions about the assistant itself) against a professional request (a
 * task to do, a question of fact, a problem to fix), from weighted lexical
 * cues. The balance of points decides; confidence grows with the margin.
 * A professional request carries its domain: the profile's keyword domain
 * (one hit suffices here), "programming" when it holds code, "support" for
 * a device, account or order problem.
 */
export type Intent = 'chit-chat' | 'professional';

type Cues = ReadonlyArray<readonly [RegExp, number]>;

const CHAT: Cues = [
  [/^\W*(?:hi|hello|hey|hiya|howdy|greetings|yo|sup|good (?:morning|afternoon|evening|night|day)|bye|goodbye|see you|thanks?|thank you|cheers)\b/i, 3],
  [/\bhow (?:are|r) (?:you|u)\b|\bhow(?:'s| is) (?:it going|your day|life)\b|\bwhat(?:'s| is) up\b|\bnice to meet\b|\bhow do you do\b/i, 4],
  [/\b(?:are|do|can|will|would|have|did|were) you\b|\byou(?:'re| are)\b|\byour(?:self)?\b/i, 1.5],
  [/\bwhat(?:'s| is) your\b|\bwho (?:are|made|created|built) you\b|\bare you (?:a |an )?(?:robot|bot|human|real|alive|sentient|conscious|ai|machine)\b/i, 3],
  [/\bi(?:'m| am) (?:so |very |really |feeling |a bit )?(?:sad|happy|bored|tired|lonely|angry|glad|fine|good|ok|okay|great|excited|depressed|scared|hungry)\b|\bi feel\b|\bmy (?:mood|day|friend|wife|husband|mom|dad|cat|dog)\b/i, 3],
  [/\b(?:do you (?:like|love|enjoy|know|think|believe|dream|feel|have)|tell me (?:a joke|about yourself|something funny)|joke|funny|lol|haha|hehe)\b|[:;]-?[)(D]/i, 2.5],
  [/\b(?:i (?:like|love|hate|enjoy|prefer|think|guess|agree|see)|me too|same here|really\??|cool|awesome|nice|wow|oh|yes|no|yeah|nope|sure|okay|ok|fine|great|good|indeed|interesting|what about you|and you)\b/i, 1],
  [/\b(?:gossip|weather|weekend|vacation|movie|music|song|favou?rite|hobby|hobbies|friend|friends|love|life|happy|birthday|feelings?|emotions?)\b/i, 1],
];

const WORK: Cues = [
  [/^\W*(?:write|implement|create|generate|build|make|design|calculate|compute|solve|explain|describe|summari[sz]e|translate|analy[sz]e|compare|list|find|convert|fix|debug|refactor|optimi[sz]e|define|classify|extract|draft|prepare|review|check|show|give me|provide|help me|how (?:do|can|should|would) (?:i|we|you|one)|how to|what (?:is|are|was|were) (?:the|a|an)\b|which|why (?:do|does|is|are|did)|when (?:did|was|is)|where (?:is|are|can))\b/i, 3],
  [/\b(?:function|algorithm|program|script|code|query|database|server|api|error|exception|bug|compile|install|configure|deploy|file|array|string|list|integer|variable|class|method)\b/i, 2],
  [/\b(?:my|the|our) (?:computer|laptop|pc|phone|printer|router|wifi|wi-fi|internet|network|screen|monitor|mouse|keyboard|battery|system|device|account|password|order|package|delivery|invoice|bill|subscription|payment|card|refund|software|app|browser|email)\b/i, 3],
  [/\b(?:won't|doesn't|does not|isn't|is not|can't|cannot|not) (?:work(?:ing)?|turn(?:ing)? on|start(?:ing)?|load(?:ing)?|connect(?:ing)?|respond(?:ing)?|print(?:ing)?|charg(?:e|ing)|open(?:ing)?|boot(?:ing)?|log ?in)\b|\b(?:overheat|crash|freez|broken|stuck|slow|black screen|blue screen|error message)\w*/i, 3],
  [/\b(?:refund|cancel|charge[ds]?|billing|invoice|shipping|tracking number|warranty|return policy|reset (?:my )?password|upgrade|downgrade|plan|pricing|contract|policy|claim|insurance|tax|loan|mortgage|diagnos\w*|symptom\w*|treatment|dosage|lawsuit|legal)\b/i, 2.5],
  [/\b(?:equation|percent|probability|theorem|formula|energy|molecule|cell|organism|planet|gravity|temperature|chemical|reaction|evolution|photosynthesis|climate|economy|history|population)\b/i, 2],
  [/(?:^|\n)\s*\(?[A-D][).:]\s/, 3],
  [/\d+\s*[-+*/^=%]\s*\d+|\b\d{3,}\b/, 1],
];

const SUPPORT = /\b(?:computer|laptop|pc|phone|printer|router|wifi|wi-fi|internet|network|screen|monitor|mouse|keyboard|battery|device|account|password|order|package|delivery|invoice|bill|billing|subscription|payment|refund|warranty|sound|overheat\w*|crash\w*|boot\w*|log ?in)\b/i;

const points = (text: string, cues: Cues) => cues.reduce((n, [re, p]) => (re.test(text) ? n + p : n), 0);

/** The domain of a professional request, when one shows. */
function professionalDomain(text: string, hasCode: boolean): string | undefined {
  if (hasCode) return 'programming';
  return domainTags(text, 1)[0] ?? (SUPPORT.test(text) ? 'support' : undefined);
}

/** Chit-chat or professional, with a confidence in [0.5, 1], and the domain of a professional request when one shows. */
export function detectIntent(text: string): Detection<Intent> & { domain?: string } {
  const head = text.slice(0, 2000);
  const hasCode = codeBody(head).code !== '';
  const words = head.split(/\s+/).filter(Boolean).length;
  const chat = points(head, CHAT) + (words <= 6 ? 1.5 : 0);
  const work = points(head, WORK) + (hasCode ? 5 : 0) + Math.min(3, words / 15);
  const margin = work - chat;
  const confidence = Math.round((0.5 + 0.5 * Math.tanh(Math.abs(margin) / 3)) * 100) / 100;
  if (margin <= 0) return { value: 'chit-chat', confidence };
  const domain = professionalDomain(head, hasCode);
  return { value: 'professional', confidence, ...(domain && { domain }) };
}
