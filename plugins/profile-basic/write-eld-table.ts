// Build step (`npm run build`, `npm start`): writes eld's "small" n-gram table
// as JSON beside language.js, which loads it in 40 MB instead of 105 (see loadEld).
import { writeEldTable } from './language.js';

writeEldTable();
