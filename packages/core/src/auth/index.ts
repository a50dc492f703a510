/** The basic-auth app: configuration, users, permissions and API tokens. */
export * from './auth-config';
export * from './auth-store';
export * from './auth-service';
export * from './passwords';
export * from './permissions';
export { SqlAuthStore } from '../store/sql/auth/sql-auth-store';
export * from './open-auth';
