# The datagrams of Orion's opt-in relay (docs/protocol.md, "Relay fallback (opt-in)"), as the
# TypeScript SDK sends them: `ptpMediation_relay_bind {token}` from the game's socket to the relay
# endpoint, answered by `ptpMediation_relay_bound {}` from that same endpoint.
extends Reference

const FrameCodec = preload("frame_codec.gd")

const BIND_METHOD := "ptpMediation_relay_bind"
const BOUND_METHOD := "ptpMediation_relay_bound"
# Orion's own datagram limit; an answer is far smaller.
const MAX_FRAME_BYTES := 1024


# Carries this client's token: build it, send it, never print it.
static func encode_bind(token: String) -> PoolByteArray:
	return FrameCodec.encode(BIND_METHOD, {"token": token}).to_utf8()


# True for a `ptpMediation_relay_bound` frame, whatever its payload.
static func is_bound(packet: PoolByteArray) -> bool:
	if not has_bound_prefix(packet):
		return false
	var frame = FrameCodec.decode(packet.get_string_from_utf8())
	return frame != null and frame.method == BOUND_METHOD


# Compares only the first bytes, so that game data is never decoded as text.
static func has_bound_prefix(packet: PoolByteArray) -> bool:
	var prefix := (BOUND_METHOD + ":").to_ascii()
	if packet.size() <= prefix.size() or packet.size() > MAX_FRAME_BYTES:
		return false
	return packet.subarray(0, prefix.size() - 1) == prefix
