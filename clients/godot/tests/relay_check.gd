# Checks the relay side of mediation_session.gd on its own, with real UDP sockets on 127.0.0.1
# and no server (a plain socket stands for Orion's relay port): when each relay mode asks for the
# relay ("off" never does), and how an allocation is followed: binds repeat until that very relay
# endpoint answers, then hellos go through the relay and only hellos from there count. One
# ORION_TEST line per failed check; exits 0 when all pass.
extends SceneTree

const FrameCodec = preload("res://addons/orion/frame_codec.gd")
const HolePuncher = preload("res://addons/orion/hole_puncher.gd")
const MediationSession = preload("res://addons/orion/mediation_session.gd")
const PunchFrames = preload("res://addons/orion/punch_frames.gd")
const RelayFrames = preload("res://addons/orion/relay_frames.gd")
const TestReport = preload("res://tests/test_report.gd")
const UdpBinding = preload("res://addons/orion/udp_binding.gd")

# Every wait below ends by this much; nothing here should take more than a second.
const WAIT_LIMIT_MS := 3000
const RELAY_AFTER_MS := 100
# Longer than RELAY_AFTER_MS, so that a mode that asks would have asked before giving up.
const SHORT_PUNCH_MS := 600
const TOKEN := "relay-check-token"
const LOOPBACK := "127.0.0.1"

var report = TestReport.new()
var checks := 0
var failures := 0
var events := []  # [label, signal name, args] in the order they came
var sockets := []


func _initialize() -> void:
	_check_off()
	_check_fallback()
	_check_always()
	_check_relay_path()
	for socket in sockets:
		socket.close()
	report.event("relay_checks", {"checks": checks, "failures": failures})
	quit(0 if failures == 0 and checks > 0 else 1)


# "off": a peer that never answers is given up on without a relay request.
func _check_off() -> void:
	var silent := _open()
	var session = _session("Off", "off", SHORT_PUNCH_MS)
	session.start_punching([_peer("Silent", silent.port)], OS.get_ticks_msec())
	_poll_until([session], "Off", "punch_failed")
	_same("off: the silent peer is reported", _args("Off", "punch_failed"), [[[_peer("Silent", silent.port)]]])
	_same("off: no relay request", _args("Off", "relay_wanted"), [])


# "fallback": after relay_after_ms, one request naming only the peers not heard from.
func _check_fallback() -> void:
	var quick := _open()
	var silent := _open()
	var quick_puncher = HolePuncher.new(quick.udp, "Quick")
	var session = _session("Fallback", "fallback", SHORT_PUNCH_MS)
	session.start_punching([_peer("Quick", quick.port), _peer("Silent", silent.port)], OS.get_ticks_msec())
	_same("fallback: no request at once", _args("Fallback", "relay_wanted"), [])
	_poll_until([session, quick_puncher], "Fallback", "punch_failed")
	_same("fallback: one request for the silent peer", _args("Fallback", "relay_wanted"), [[["Silent"]]])
	quick_puncher.stop()


# "always": a request for every peer as soon as the list arrives, no direct hellos, and a
# hello heard directly does not count.
func _check_always() -> void:
	var far := _open()
	var session = _session("Always", "always", SHORT_PUNCH_MS)
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	_same("always: asks for every peer at once", _args("Always", "relay_wanted"), [[["Far"]]])
	_send(far.udp, PunchFrames.encode_hello("Far", false), session_port("Always"))
	_poll_until([session], "Always", "punch_failed")
	_same("always: a direct hello does not count", _names("Always"), ["relay_wanted", "punch_failed"])
	var hellos := _drain_frames(far.udp)
	_same("always: the peer only got an ack", _unique(hellos), [_hello_frame("Always", true)])


# An allocation (here one nobody asked for, in mode "off") is bound and then used.
func _check_relay_path() -> void:
	var far := _open()  # the peer's own socket
	var relay := _open()  # Orion's relay port for our side of the pair
	var stranger := _open()
	var session = _session("Relayed", "off", WAIT_LIMIT_MS)
	var port := session_port("Relayed")
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	var relays := [
		{"peerName": "Nobody", "ip": LOOPBACK, "port": stranger.port},
		"not an entry",
		{"peerName": "Far", "ip": LOOPBACK, "port": relay.port},
	]
	session.on_relay_allocated(relays, OS.get_ticks_msec())

	var binds := _poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 2)
	_same("binds are repeated until answered", binds.size(), 2)
	var bind := {"method": RelayFrames.BIND_METHOD, "payload": {"token": TOKEN}}
	_same("the relay only gets binds carrying our token", _unique(binds), [bind])
	_same("no bind for a name that is not our peer", _drain_frames(stranger.udp), [])

	# An answer from anywhere but the relay endpoint itself binds nothing.
	var bound := FrameCodec.encode(RelayFrames.BOUND_METHOD, {}).to_utf8()
	_send(stranger.udp, bound, port)
	_poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 1)
	_same("a stranger's answer is ignored", _names("Relayed"), [])
	_send(relay.udp, bound, port)
	_poll_until([session], "Relayed", "peer_relayed")
	_same("the relay's answer relays the peer", _args("Relayed", "peer_relayed"), [["Far", LOOPBACK, relay.port]])

	# Bound: hellos, and no more binds, go to the relay from now on.
	_drain_frames(relay.udp)
	var hellos := _poll_for_frames([session], relay.udp, PunchFrames.HELLO_METHOD, 2)
	_same("only hellos go to the relay once bound", _unique(hellos), [_hello_frame("Relayed", false)])

	# The peer's own endpoint no longer counts; its hello through the relay does.
	_drain_frames(far.udp)
	_send(far.udp, PunchFrames.encode_hello("Far", false), port)
	_poll_for_frames([session], far.udp, PunchFrames.HELLO_METHOD, 1)
	_same("a direct hello of a relayed peer does not count", _names("Relayed"), ["peer_relayed"])
	_send(relay.udp, PunchFrames.encode_hello("Far", true), port)
	_poll_until([session], "Relayed", "punched")
	var reached := {"name": "Far", "ip": LOOPBACK, "port": relay.port, "relayed": true}
	_same("punched through the relay", _args("Relayed", "punched"), [[[reached]]])
	_same("relay answers are no game packets", _args("Relayed", "game_packet"), [])
	session.stop()


func _session(label: String, mode: String, punch_timeout_ms: int):
	var bound := _open()
	var session = MediationSession.new(bound.udp, LOOPBACK, TOKEN, label, punch_timeout_ms, mode, RELAY_AFTER_MS)
	for name in ["relay_wanted", "punched", "punch_failed"]:
		session.connect(name, self, "_on_one", [label, name])
	for name in ["peer_relayed", "game_packet"]:
		session.connect(name, self, "_on_three", [label, name])
	set_meta(label, bound.port)
	return session


func session_port(label: String) -> int:
	return get_meta(label)


func _on_one(value, label: String, name: String) -> void:
	events.append([label, name, [value]])


func _on_three(a, b, c, label: String, name: String) -> void:
	events.append([label, name, [a, b, c]])


func _args(label: String, name: String) -> Array:
	var found := []
	for event in events:
		if event[0] == label and event[1] == name:
			found.append(event[2])
	return found


func _names(label: String) -> Array:
	var found := []
	for event in events:
		if event[0] == label:
			found.append(event[1])
	return found


func _poll_until(pollers: Array, label: String, name: String) -> void:
	var deadline := OS.get_ticks_msec() + WAIT_LIMIT_MS
	while OS.get_ticks_msec() < deadline and _args(label, name).empty():
		_poll(pollers)


# Polls until `count` frames of `method` arrived at `udp`; returns every frame read meanwhile.
func _poll_for_frames(pollers: Array, udp: PacketPeerUDP, method: String, count: int) -> Array:
	var deadline := OS.get_ticks_msec() + WAIT_LIMIT_MS
	var frames := []
	var found := 0
	while OS.get_ticks_msec() < deadline and found < count:
		_poll(pollers)
		for frame in _drain_frames(udp):
			frames.append(frame)
			if frame != null and frame.method == method:
				found += 1
	return frames


func _poll(pollers: Array) -> void:
	for poller in pollers:
		poller.poll(OS.get_ticks_msec())
	OS.delay_msec(5)


func _open() -> Dictionary:
	var bound := UdpBinding.open(0, LOOPBACK)
	sockets.append(bound.udp)
	return bound


func _send(udp: PacketPeerUDP, packet: PoolByteArray, port: int) -> void:
	udp.set_dest_address(LOOPBACK, port)
	udp.put_packet(packet)


func _drain_frames(udp: PacketPeerUDP) -> Array:
	var frames := []
	while udp.get_available_packet_count() > 0:
		frames.append(FrameCodec.decode(udp.get_packet().get_string_from_utf8()))
	return frames


func _hello_frame(name: String, ack: bool) -> Dictionary:
	return {"method": PunchFrames.HELLO_METHOD, "payload": {"name": name, "ack": ack}}


# Dictionaries compare by identity in Godot 3, so this goes by their text.
func _unique(values: Array) -> Array:
	var seen := []
	var unique := []
	for value in values:
		if not seen.has(str(value)):
			seen.append(str(value))
			unique.append(value)
	return unique


func _peer(name: String, port: int) -> Dictionary:
	return {"name": name, "ip": LOOPBACK, "port": port}


func _same(what: String, actual, expected) -> void:
	checks += 1
	if typeof(actual) == typeof(expected) and str(actual) == str(expected):
		return
	failures += 1
	report.event("check_failed", {"check": what, "detail": "%s, expected %s" % [actual, expected]})
