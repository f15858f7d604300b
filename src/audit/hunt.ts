/** The hunting area of the audit (miners, hidden processes, backdoors and their persistence). */
export { huntScanner } from "../hunt/scanner.ts";
