// Several CA resolvers as one: asked in order, the first that finds certificates answers.
import type { CaResolver, ResolvedCa } from '../validation/index.ts';

/**
 * Asks resolvers in order and takes the first answer that has certificates. A resolver
 * that fails does not stop the next; when none answers and one failed, the first error
 * is the answer (a failure is not "no CA": CachingResolver does not keep it).
 */
export class FirstAnswerResolver implements CaResolver {
  readonly name: string;
  readonly #resolvers: readonly CaResolver[];

  constructor(resolvers: readonly CaResolver[]) {
    this.#resolvers = resolvers;
    this.name = resolvers.map((resolver) => resolver.name).join('+');
  }

  async resolve(domain: string): Promise<readonly ResolvedCa[]> {
    let failure: Error | undefined;
    for (const resolver of this.#resolvers) {
      try {
        const found = await resolver.resolve(domain);
        if (found.length > 0) return found;
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure !== undefined) throw failure;
    return [];
  }
}
