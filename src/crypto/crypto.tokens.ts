/** Nest injection token for the resolved master key. */
export const MASTER_KEY = Symbol('MASTER_KEY');
