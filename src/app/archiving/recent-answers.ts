/** Reuses the platform's answer to an archive listing for a short while, so page views do not each cost a REST call. */

export interface RecentAnswers<T> {
  /** The answer stored for `key` if younger than the TTL; otherwise `load()`, shared by concurrent callers. */
  get(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets every answer: called after this app starts, stops or deletes an archive. */
  clear(): void;
}

export interface RecentAnswersOptions {
  ttlMs: number;
  /** Keys kept at most; the oldest goes first. Page numbers come from the query string, so this is bounded. */
  maxEntries?: number;
  clock?: () => number;
}

/**
 * Every host, participant and history page asks the platform which archives exist. Under load the same
 * question arrives many times a second; one answer per TTL serves them all. Changes this app makes clear the
 * store at once; changes the platform makes by itself (an archive becoming available, an automatic stop)
 * show after at most ttlMs. A failed load is not kept, so the next request asks again.
 *
 * With several instances each keeps its own answers: sharing them through Redis would cost a round trip and
 * a copy of every listing per page view to save at most one platform call per instance and second. What must
 * agree is the clearing, which the store announces to every instance (archiving/handlers.ts).
 */
export function createRecentAnswers<T>({
  ttlMs,
  maxEntries = 100,
  clock = Date.now,
}: RecentAnswersOptions): RecentAnswers<T> {
  const entries = new Map<string, { at: number; answer: Promise<T> }>();
  return {
    get(key, load) {
      const now = clock();
      const entry = entries.get(key);
      if (entry && now - entry.at < ttlMs) return entry.answer;
      const answer = load();
      entries.delete(key);
      entries.set(key, { at: now, answer });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      answer.catch(() => {
        if (entries.get(key)?.answer === answer) entries.delete(key);
      });
      return answer;
    },
    clear() {
      entries.clear();
    },
  };
}
