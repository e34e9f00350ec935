import type pino from 'pino';

/** The logger every part of LLMOS writes through (pino, JSON on stderr). */
export type Logger = pino.Logger;
