// Per-request DataLoaders, declared once per module with their key and value types: a resolver
// writes `projectById(ctx).load(id)`, and every field asking for projects in one request shares
// one batched query. The loader's name is its identity within the request.
import type DataLoader from 'dataloader';
import type { AppServices, Context } from '../context.js';

type Batch<K, V, P> = (app: AppServices, keys: readonly K[], params: P) => Promise<ReadonlyArray<V | Error>>;

/** A loader of values by key. */
export function defineLoader<K, V>(name: string, batch: Batch<K, V, undefined>): (ctx: Context) => DataLoader<K, V> {
  return (ctx) => ctx.loader<K, V>(name, (keys) => batch(ctx.app, keys, undefined));
}

/** A loader per distinct parameter (a filter, a page size): fields asking the same thing share one. */
export function defineParamLoader<P, K, V>(name: string, batch: Batch<K, V, P>): (ctx: Context, params: P) => DataLoader<K, V> {
  return (ctx, params) => ctx.loader<K, V>(`${name}:${JSON.stringify(params ?? null)}`, (keys) => batch(ctx.app, keys, params));
}
