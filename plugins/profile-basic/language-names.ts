/**
 * Names of languages, to ISO 639-1 codes, for the languages eld (the
 * source-language detector) covers. ENGLISH_NAMES are matched as whole words;
 * NATIVE_NAMES are regex fragments (stems with \p{L}* where the name is
 * inflected: "Französisch(en)", "французский/-ом") for names written in
 * French, German, Spanish, Italian, Portuguese, Dutch, Russian, Polish,
 * Turkish, Swedish, Chinese, Japanese and Korean.
 */

export const ENGLISH_NAMES: Readonly<Record<string, string>> = {
  english: 'en', french: 'fr', german: 'de', spanish: 'es', castilian: 'es', italian: 'it', portuguese: 'pt', brazilian: 'pt', dutch: 'nl', flemish: 'nl',
  russian: 'ru', ukrainian: 'uk', polish: 'pl', czech: 'cs', slovak: 'sk', slovenian: 'sl', slovene: 'sl', croatian: 'hr', serbian: 'sr', bulgarian: 'bg',
  romanian: 'ro', hungarian: 'hu', greek: 'el', turkish: 'tr', swedish: 'sv', danish: 'da', norwegian: 'no', finnish: 'fi', icelandic: 'is',
  estonian: 'et', latvian: 'lv', lithuanian: 'lt', albanian: 'sq', armenian: 'hy', georgian: 'ka', azerbaijani: 'az', azeri: 'az', basque: 'eu', catalan: 'ca',
  belarusian: 'be', arabic: 'ar', hebrew: 'he', persian: 'fa', farsi: 'fa', kurdish: 'ku', urdu: 'ur', hindi: 'hi', bengali: 'bn', bangla: 'bn', punjabi: 'pa',
  gujarati: 'gu', marathi: 'mr', tamil: 'ta', telugu: 'te', kannada: 'kn', malayalam: 'ml', oriya: 'or', odia: 'or', chinese: 'zh', mandarin: 'zh',
  japanese: 'ja', korean: 'ko', vietnamese: 'vi', thai: 'th', lao: 'lo', malay: 'ms', tagalog: 'tl', filipino: 'tl', amharic: 'am', yoruba: 'yo',
};

export const NATIVE_NAMES: Readonly<Record<string, string>> = {
  en: 'anglais|englisch\\p{L}*|ingl[eé]s|inglese|ingl[eê]s|engels|английск\\p{L}*|angielsk\\p{L}*|[iİ]ngilizce\\p{L}*|engelska|engelsk|英语|英文|英語|영어',
  fr: 'fran[çc]ais|franz[öo]sisch\\p{L}*|franc[eé]s|francese|franc[eê]s|французск\\p{L}*|francusk\\p{L}*|frans[ıi]zca\\p{L}*|franska|法语|法文|法語|フランス語|프랑스어',
  de: 'allemand|deutsch\\p{L}*|alem[aá]n|tedesco|alem[aã]o|duits|немецк\\p{L}*|niemieck\\p{L}*|almanca\\p{L}*|tyska|德语|德文|德語|ドイツ語|독일어',
  es: 'espagnol|spanisch\\p{L}*|espa[ñn]ol|castellano|spagnolo|espanhol|spaans|испанск\\p{L}*|hiszpańsk\\p{L}*|[iİ]spanyolca\\p{L}*|spanska|西班牙语|西班牙文|西班牙語|スペイン語|스페인어',
  it: 'italien|italienisch\\p{L}*|italiano|italiaans|итальянск\\p{L}*|włosk\\p{L}*|[iİ]talyanca\\p{L}*|italienska|意大利语|意大利文|義大利語|イタリア語|이탈리아어',
  pt: 'portugais|portugiesisch\\p{L}*|portugu[eé]s|portoghese|portugees|португальск\\p{L}*|portugalsk\\p{L}*|portekizce\\p{L}*|portugisiska|葡萄牙语|葡萄牙文|葡萄牙語|ポルトガル語|포르투갈어',
  nl: 'n[ée]erlandais|niederl[äa]ndisch\\p{L}*|holl[äa]ndisch\\p{L}*|neerland[eé]s|olandese|holand[eê]s|nederlands|голландск\\p{L}*|нидерландск\\p{L}*|niderlandzk\\p{L}*|holenderski\\p{L}*|felemenkçe\\p{L}*|nederländska|荷兰语|荷蘭語|オランダ語|네덜란드어',
  ru: 'russe|russisch\\p{L}*|ruso|russo|russisch|русск\\p{L}*|rosyjsk\\p{L}*|rusça\\p{L}*|ryska|俄语|俄文|俄語|ロシア語|러시아어',
  uk: 'ukrainien|ukrainisch\\p{L}*|ucraniano|ucraino|oekraïens|украинск\\p{L}*|українськ\\p{L}*|ukraińsk\\p{L}*|乌克兰语|ウクライナ語|우크라이나어',
  pl: 'polonais|polnisch\\p{L}*|polaco|polacco|polon[eê]s|польск\\p{L}*|polsk\\p{L}*|lehçe\\p{L}*|波兰语|ポーランド語|폴란드어',
  tr: 'turc|t[üu]rkisch\\p{L}*|turco|турецк\\p{L}*|tureck\\p{L}*|türkçe\\p{L}*|turkiska|土耳其语|トルコ語|터키어',
  sv: 'su[ée]dois|schwedisch\\p{L}*|sueco|svedese|zweeds|шведск\\p{L}*|szwedzk\\p{L}*|[iİ]sveççe\\p{L}*|svenska|瑞典语|スウェーデン語|스웨덴어',
  el: 'grec|griechisch\\p{L}*|griego|greco|grego|grieks|греческ\\p{L}*|greck\\p{L}*|yunanca\\p{L}*|grekiska|希腊语|ギリシャ語|그리스어',
  ar: 'arabe|arabisch\\p{L}*|[aá]rabe|arabo|арабск\\p{L}*|arabsk\\p{L}*|arapça\\p{L}*|arabiska|阿拉伯语|阿拉伯文|阿拉伯語|アラビア語|아랍어',
  he: 'h[ée]breu|hebr[äa]isch\\p{L}*|hebreo|ebraico|hebraico|hebreeuws|иврит\\p{L}*|hebrajsk\\p{L}*|[iİ]branice\\p{L}*|hebreiska|希伯来语|ヘブライ語|히브리어',
  hi: 'hindi|хинди|印地语|ヒンディー語|힌디어',
  zh: 'chinois|chinesisch\\p{L}*|chino|cinese|chin[eê]s|chinees|китайск\\p{L}*|chińsk\\p{L}*|çince\\p{L}*|kinesiska|中文|汉语|漢語|华语|國語|普通话|中国語|중국어',
  ja: 'japonais|japanisch\\p{L}*|japon[eé]s|giapponese|japon[eê]s|japans|японск\\p{L}*|japońsk\\p{L}*|japonca\\p{L}*|japanska|日语|日文|日語|日本語|일본어',
  ko: 'cor[ée]en|koreanisch\\p{L}*|coreano|koreaans|корейск\\p{L}*|koreańsk\\p{L}*|korece\\p{L}*|koreanska|韩语|韩文|韓語|朝鲜语|韓国語|한국어',
  vi: 'vietnamien|vietnamesisch\\p{L}*|vietnamita|vietnamees|вьетнамск\\p{L}*|wietnamsk\\p{L}*|越南语|ベトナム語|베트남어',
  cs: 'tch[eè]que|tschechisch\\p{L}*|checo|ceco|tsjechisch|чешск\\p{L}*|czesk\\p{L}*|čeština|češtin\\p{L}*|捷克语|チェコ語|체코어',
  fi: 'finnois|finnisch\\p{L}*|finland[eé]s|finlandese|финск\\p{L}*|fińsk\\p{L}*|fince\\p{L}*|finska|suomeksi|suomi|芬兰语|フィンランド語|핀란드어',
  da: 'danois|d[äa]nisch\\p{L}*|dan[eé]s|danese|deens|датск\\p{L}*|duńsk\\p{L}*|danca\\p{L}*|danska|dansk|丹麦语|デンマーク語|덴마크어',
  no: 'norv[ée]gien|norwegisch\\p{L}*|noruego|norvegese|noorse?|норвежск\\p{L}*|norwesk\\p{L}*|norveççe\\p{L}*|norska|norsk|挪威语|ノルウェー語|노르웨이어',
  hu: 'hongrois|ungarisch\\p{L}*|h[uú]ngaro|ungherese|hongaars|венгерск\\p{L}*|węgiersk\\p{L}*|macarca\\p{L}*|ungerska|magyar\\p{L}*|匈牙利语|ハンガリー語|헝가리어',
  ro: 'roumain|rum[äa]nisch\\p{L}*|rumano|rumeno|romeno|roemeens|румынск\\p{L}*|rumuńsk\\p{L}*|rumence\\p{L}*|rumänska|română|românește|罗马尼亚语|ルーマニア語|루마니아어',
  th: 'tha[iï]landais|thail[äa]ndisch\\p{L}*|tailand[eé]s|tailandese|тайск\\p{L}*|tajsk\\p{L}*|泰语|泰文|タイ語|태국어',
  fa: 'persan|persisch\\p{L}*|persa|perzisch|персидск\\p{L}*|persk\\p{L}*|farsça\\p{L}*|波斯语|ペルシャ語|페르시아어',
  ms: 'malais|malaiisch\\p{L}*|malayo|malese|maleis|малайск\\p{L}*|malajsk\\p{L}*|马来语|マレー語|말레이어',
};
