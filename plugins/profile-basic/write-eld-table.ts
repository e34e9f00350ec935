// Build step (`npm run build`, `npm start`): writes eld's "small" n-gram table
// as JSON beside language.js, which loads it with a third of the memory (see loadEld).
import { writeEldTable } from './language.js';

writeEldTable();
