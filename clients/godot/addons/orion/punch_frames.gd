# The one datagram peers exchange while hole punching, in Orion's frame format and the same
# as the TypeScript SDK's (packages/sdk/src/punch-frames.ts), so Godot and SDK clients punch each other:
# `orionPunch_hello:base64({"name":"Bob","ack":false})`; `ack: true` is the answer.
extends Reference

const FrameCodec = preload("frame_codec.gd")
const RelayFrames = preload("relay_frames.gd")

const HELLO_METHOD := "orionPunch_hello"
# Every datagram the punching sends starts with this; game traffic can be told apart by it.
const METHOD_PREFIX := "orionPunch_"
# Orion's own datagram limit; a hello is far smaller.
const MAX_FRAME_BYTES := 1024


static func encode_hello(name: String, ack: bool) -> PoolByteArray:
	return FrameCodec.encode(HELLO_METHOD, {"name": name, "ack": ack}).to_utf8()


# {"name": String, "ack": bool} for a hello, null for anything else (the game's own traffic).
static func decode_hello(packet: PoolByteArray):
	if not is_punch_packet(packet):
		return null
	var frame = FrameCodec.decode(packet.get_string_from_utf8())
	if frame == null or frame.method != HELLO_METHOD:
		return null
	var name = frame.payload.get("name")
	var ack = frame.payload.get("ack")
	if typeof(name) != TYPE_STRING or typeof(ack) != TYPE_BOOL:
		return null
	return {"name": name, "ack": ack}


# True for datagrams sent by hole punching, and for the relay's `ptpMediation_relay_bound`
# answers. A late one can reach the game's socket after the handover; games skip it with this.
# Only the first bytes are compared, so game data is never decoded as text.
static func is_punch_packet(packet: PoolByteArray) -> bool:
	if RelayFrames.has_bound_prefix(packet):
		return true
	var prefix := METHOD_PREFIX.to_ascii()
	if packet.size() <= prefix.size() or packet.size() > MAX_FRAME_BYTES:
		return false
	return packet.subarray(0, prefix.size() - 1) == prefix
