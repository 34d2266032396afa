/** Walks cursor-paginated lists through the real Worker, for tests that check pages join up. */
import { api, type ApiResponse } from "./helpers";

interface ListPage<T> {
  data: T[];
  has_more: boolean;
  next: string | null;
}

export interface CollectedPages<T> {
  pages: T[][];
  items: T[];
}

/**
 * Follows `starting_after` (lists) until `has_more` is false; fails loudly rather than loop forever.
 * @example collectPages(key, "/v1/invoices?limit=3")
 */
export async function collectPages<T extends { id: string }>(key: string, path: string, maxPages = 50): Promise<CollectedPages<T>> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  for (let round = 0; round < maxPages; round += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const response: ApiResponse<ListPage<T>> = await api<ListPage<T>>(
      key,
      "GET",
      cursor === null ? path : `${path}${separator}starting_after=${cursor}`,
    );
    if (response.status !== 200) throw new Error(`page ${round}: ${response.status} ${response.text}`);
    pages.push(response.body.data);
    if (!response.body.has_more) return { pages, items: pages.flat() };
    if (response.body.next !== response.body.data.at(-1)?.id) throw new Error(`next ${response.body.next} is not the last id of the page`);
    cursor = response.body.next;
  }
  throw new Error(`more than ${maxPages} pages`);
}

/** Follows the events feed's `after` cursor with pages of `limit`. */
export async function collectEvents<T extends { id: string }>(key: string, limit: number, after?: string, maxPages = 200): Promise<CollectedPages<T>> {
  const pages: T[][] = [];
  let cursor = after;
  for (let round = 0; round < maxPages; round += 1) {
    const response: ApiResponse<ListPage<T>> = await api<ListPage<T>>(
      key,
      "GET",
      `/v1/events?limit=${limit}${cursor === undefined ? "" : `&after=${cursor}`}`,
    );
    if (response.status !== 200) throw new Error(`events page ${round}: ${response.status} ${response.text}`);
    pages.push(response.body.data);
    if (!response.body.has_more) return { pages, items: pages.flat() };
    cursor = response.body.next ?? undefined;
  }
  throw new Error(`more than ${maxPages} event pages`);
}
