# When hole-punching hellos go out, as in the TypeScript SDK (packages/sdk/src/punch-schedule.ts): the
# first at once, then a gap that doubles from FIRST_GAP_MS up to MAX_GAP_MS. Quick retries while
# NAT mappings are being created, then a steady pace that does not flood a path that is not there.
extends Reference

const FIRST_GAP_MS := 50
const MAX_GAP_MS := 500


# The wait before send number `attempt` (0-based): 0, 50, 100, 200, 400, 500, 500, ...
static func delay_ms(attempt: int, first_gap_ms: int = FIRST_GAP_MS, max_gap_ms: int = MAX_GAP_MS) -> int:
	if attempt <= 0:
		return 0
	# Capping the exponent keeps the shift in range for any attempt count.
	var doublings := int(min(attempt - 1, 20))
	# At least 1 ms, so that a zero schedule cannot turn into a busy loop.
	return int(max(1, min(first_gap_ms << doublings, max_gap_ms)))
