// @stratum/api — the GraphQL API server, as a library (the demo and tests start it in-process).
export { startApi, createServices, tokenPepper, type RunningApi, type StartOptions } from './app.js';
export { loadConfig, isLoopback, ConfigurationError, type ApiConfig } from './env.js';
export { createLogger } from './logger.js';
export { TokenService, generateToken, hashToken, type Principal } from './auth/tokens.js';
export { createSchema } from './schema.js';
