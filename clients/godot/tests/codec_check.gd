# Checks the addon's pure parts (frame codec, punch frames, punch schedule, server URL)
# against the examples in docs/protocol.md and the bytes the TypeScript SDK sends (given as
# arguments by the Node test). One ORION_TEST line
# per failed check; exits 0 when all pass.
extends SceneTree

const FrameCodec = preload("res://addons/orion/frame_codec.gd")
const PunchFrames = preload("res://addons/orion/punch_frames.gd")
const PunchSchedule = preload("res://addons/orion/punch_schedule.gd")
const RelayFrames = preload("res://addons/orion/relay_frames.gd")
const ServerUrl = preload("res://addons/orion/server_url.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

var args := {}
var report = TestReport.new()
var failures := 0
var checks := 0


func _initialize() -> void:
	args = TestArgs.parse(OS.get_cmdline_args())
	_check_frames()
	_check_punch_frames()
	_check_relay_frames()
	_check_schedule()
	_check_urls()
	report.event("codec_checks", {"checks": checks, "failures": failures})
	quit(0 if failures == 0 and checks > 0 else 1)


func _check_frames() -> void:
	# The worked example of docs/protocol.md, "Frames".
	var chat := {"token": "tok123", "lobbyId": "K7Q2Z", "message": "gg"}
	var chat_frame := "lobby_messaging_send:eyJ0b2tlbiI6InRvazEyMyIsImxvYmJ5SWQiOiJLN1EyWiIsIm1lc3NhZ2UiOiJnZyJ9"
	_same("encode worked example", FrameCodec.encode("lobby_messaging_send", chat), chat_frame)
	_same("decode worked example", FrameCodec.decode(chat_frame), {"method": "lobby_messaging_send", "payload": chat})
	var success := {"method": "ptpMediation_success", "payload": {}}
	_same("empty object", FrameCodec.decode("ptpMediation_success:e30="), success)
	_same("unpadded payload", FrameCodec.decode("ptpMediation_success:e30"), success)
	_same("splits at the first colon", FrameCodec.decode("a:eyJrIjoiYTpiIn0="), {"method": "a", "payload": {"k": "a:b"}})
	var malformed := [
		"no colon", ":e30=", "1x:e30=", "a-b:e30=", "a:e30=!", "a:e3=0=",
		"a:eyJ",  # not JSON
		"a:WzFd",  # [1], not an object
		"a:bnVsbA==",  # null
		"a:eyJrIjo-fQ==",  # URL-safe alphabet
	]
	for bad in malformed:
		_same("rejects " + bad, FrameCodec.decode(bad), null)


# --sdk-hello and --sdk-ack are what the SDK's encodePunchHello() sends for Bob's hello and Ann's
# ack: the Godot side must send the same bytes and read the SDK's.
func _check_punch_frames() -> void:
	var sdk_hello: String = args.get("sdk-hello", "")
	var sdk_ack: String = args.get("sdk-ack", "")
	_same("hello as the SDK sends it", PunchFrames.encode_hello("Bob", false).get_string_from_utf8(), sdk_hello)
	_same("ack as the SDK sends it", PunchFrames.encode_hello("Ann", true).get_string_from_utf8(), sdk_ack)
	_same("reads the SDK's hello", PunchFrames.decode_hello(sdk_hello.to_utf8()), {"name": "Bob", "ack": false})
	_same("reads the SDK's ack", PunchFrames.decode_hello(sdk_ack.to_utf8()), {"name": "Ann", "ack": true})
	_same("game data is no hello", PunchFrames.decode_hello("game from Ann".to_utf8()), null)
	var wrong_types := FrameCodec.encode("orionPunch_hello", {"name": 1, "ack": "no"}).to_utf8()
	_same("wrong types are no hello", PunchFrames.decode_hello(wrong_types), null)
	_same("is_punch_packet on a hello", PunchFrames.is_punch_packet(sdk_hello.to_utf8()), true)
	var binary := PoolByteArray([0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
	_same("is_punch_packet on game data", PunchFrames.is_punch_packet(binary), false)


# The bind and its answer as docs/protocol.md spells them out ("Relay fallback (opt-in)").
func _check_relay_frames() -> void:
	var bind := RelayFrames.encode_bind("tok123").get_string_from_utf8()
	_same("relay bind as documented", bind, "ptpMediation_relay_bind:eyJ0b2tlbiI6InRvazEyMyJ9")
	var bound := "ptpMediation_relay_bound:e30=".to_utf8()
	_same("reads the relay's answer", RelayFrames.is_bound(bound), true)
	_same("reads an answer with a payload", RelayFrames.is_bound("ptpMediation_relay_bound:eyJrIjoxfQ==".to_utf8()), true)
	_same("a bind is no answer", RelayFrames.is_bound(bind.to_utf8()), false)
	_same("a broken answer is none", RelayFrames.is_bound("ptpMediation_relay_bound:e30=!".to_utf8()), false)
	_same("games skip the relay's answer", PunchFrames.is_punch_packet(bound), true)


func _check_schedule() -> void:
	var delays := []
	for attempt in range(8):
		delays.append(PunchSchedule.delay_ms(attempt))
	_same("punch schedule", delays, [0, 50, 100, 200, 400, 500, 500, 500])
	_same("schedule never busy-loops", PunchSchedule.delay_ms(3, 0, 0), 1)
	_same("schedule survives huge attempts", PunchSchedule.delay_ms(100000), 500)


func _check_urls() -> void:
	var local := {"base": "http://127.0.0.1:5980", "ws": "ws://127.0.0.1:5980/", "udp_host": "127.0.0.1"}
	_same("http url", ServerUrl.parse("http://127.0.0.1:5980"), local)
	var remote := {"base": "https://orion.example:443", "ws": "wss://orion.example:443/", "udp_host": "orion.example"}
	_same("https url with path", ServerUrl.parse("https://orion.example:443/x"), remote)
	_same("ipv6 url", ServerUrl.parse("http://[::1]:5980/").udp_host, "::1")
	_same("not http", ServerUrl.parse("ws://127.0.0.1:5980"), {})


func _same(what: String, actual, expected) -> void:
	checks += 1
	if typeof(actual) == typeof(expected) and str(actual) == str(expected):
		return
	failures += 1
	report.event("check_failed", {"check": what, "actual": str(actual), "expected": str(expected)})
