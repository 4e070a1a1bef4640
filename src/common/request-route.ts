/** An Express request as far as its route goes. */
export type RoutedRequest = {
  route?: { path?: string };
  baseUrl?: string;
};

/**
 * The matched route pattern (`/lobbies/:lobbyId/join`), never the raw URL's values; one
 * label, `unmatched`, for every URL no route took, so that scanning cannot blow up the
 * number of log values or metric series.
 */
export function routePatternOf(request: RoutedRequest): string {
  const pattern = request.route?.path;
  return pattern === undefined ? 'unmatched' : `${request.baseUrl ?? ''}${pattern}`;
}
