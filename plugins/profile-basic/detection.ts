/** What a detector found and how sure it is, in [0, 1]. */
export interface Detection<T extends string = string> {
  value: T;
  confidence: number;
}
