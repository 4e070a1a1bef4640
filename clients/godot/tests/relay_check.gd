# Checks the relay side of mediation_session.gd on its own, with real UDP sockets on 127.0.0.1
# and no server (a plain socket stands for Orion's relay port): when each relay mode asks for the
# relay ("off" never does), and how an allocation is followed (docs/protocol.md, "Switching a
# pair to the relay: the client convention"): the pair is relayed at once, even if reached
# directly, with no more direct hellos and nothing counting before the bind is answered; binds
# repeat until that very relay endpoint answers, then hellos go through the relay and only
# hellos from there count; a bind still unanswered at success goes on, at most 40 binds in all.
# One ORION_TEST line per failed check; exits 0 when all pass.
extends SceneTree

const FrameCodec = preload("res://addons/orion/frame_codec.gd")
const HolePuncher = preload("res://addons/orion/hole_puncher.gd")
const MediationSession = preload("res://addons/orion/mediation_session.gd")
const PunchFrames = preload("res://addons/orion/punch_frames.gd")
const RelayBinder = preload("res://addons/orion/relay_binder.gd")
const RelayFrames = preload("res://addons/orion/relay_frames.gd")
const TestReport = preload("res://tests/test_report.gd")
const UdpBinding = preload("res://addons/orion/udp_binding.gd")

# Every wait below ends by this much; nothing here should take more than a second.
const WAIT_LIMIT_MS := 3000
const RELAY_AFTER_MS := 100
# Longer than RELAY_AFTER_MS, so that a mode that asks would have asked before giving up.
const SHORT_PUNCH_MS := 600
# Binds this close together keep the 40-bind checks short.
const FAST_BIND_GAP_MS := 10
# Many bind gaps: long enough for a bind that should not come to show up.
const QUIET_MS := 200
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
	_check_allocation_decides()
	_check_reached_then_relayed()
	_check_binding_after_success()
	_check_bind_attempts()
	_check_abort_stops_binding()
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
	_same("a stranger's answer is ignored", _names("Relayed"), ["relay_allocated"])
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
	_same("a direct hello of a relayed peer does not count", _names("Relayed"), ["relay_allocated", "peer_relayed"])
	_send(relay.udp, PunchFrames.encode_hello("Far", true), port)
	_poll_until([session], "Relayed", "punched")
	var reached := {"name": "Far", "ip": LOOPBACK, "port": relay.port, "relayed": true}
	_same("punched through the relay", _args("Relayed", "punched"), [[[reached]]])
	_same("relay answers are no game packets", _args("Relayed", "game_packet"), [])
	session.stop()


# Rule 2: from the allocation on, before its bind is answered, the peer gets no direct hellos
# and no hello counts, neither a direct one nor one from the relay endpoint.
func _check_allocation_decides() -> void:
	var far := _open()
	var relay := _open()
	var session = _session("Decides", "off", WAIT_LIMIT_MS)
	var port := session_port("Decides")
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	var direct := _poll_for_frames([session], far.udp, PunchFrames.HELLO_METHOD, 1)
	_same("decides: punches directly before the allocation", _unique(direct), [_hello_frame("Decides", false)])

	session.on_relay_allocated([_relay_entry("Far", relay.port)], OS.get_ticks_msec())
	_same("decides: the allocation is reported at once", _args("Decides", "relay_allocated"), [["Far", LOOPBACK, relay.port]])
	# Let whatever was sent before the allocation land, then start afresh.
	OS.delay_msec(20)
	_drain_frames(far.udp)
	_send(far.udp, PunchFrames.encode_hello("Far", false), port)
	_send(relay.udp, PunchFrames.encode_hello("Far", true), port)
	var after := _poll_for_ms([session], far.udp, QUIET_MS)
	_same("decides: the peer only gets an ack once allocated", _unique(after), [_hello_frame("Decides", true)])
	_same("decides: no hello counts before the bind is answered", _names("Decides"), ["relay_allocated"])
	session.stop()


# Rule 2 for a peer already reached directly: it switches, and the peer list has the relay
# endpoint as soon as the allocation names it, before any bind is answered.
func _check_reached_then_relayed() -> void:
	var far := _open()
	var relay := _open()
	var far_puncher = HolePuncher.new(far.udp, "Far")
	var session = _session("Switched", "off", WAIT_LIMIT_MS)
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	_poll_until([session, far_puncher], "Switched", "punched")
	var direct := {"name": "Far", "ip": LOOPBACK, "port": far.port, "relayed": false}
	_same("switched: punched directly first", _args("Switched", "punched"), [[[direct]]])
	session.on_relay_allocated([_relay_entry("Far", relay.port)], OS.get_ticks_msec())
	var relayed := {"name": "Far", "ip": LOOPBACK, "port": relay.port, "relayed": true}
	_same("switched: the peer list has the relay endpoint right after the allocation", session.get_peers(), [relayed])
	_same("switched: before any bind is answered", _args("Switched", "peer_relayed"), [])
	far_puncher.stop()
	session.stop()


# Rule 4: success comes while the bind is unanswered. Binds go on, nothing else does, and the
# relay's answer, read by the game and passed to consume_packet(), ends them.
func _check_binding_after_success() -> void:
	var far := _open()
	var relay := _open()
	var session = _session("Late", "off", WAIT_LIMIT_MS, FAST_BIND_GAP_MS)
	var port := session_port("Late")
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	session.on_relay_allocated([_relay_entry("Far", relay.port)], OS.get_ticks_msec())
	_poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 1)
	session.hand_over()
	_same("late: still binding after success", session.is_binding(), true)
	_drain_frames(far.udp)
	_send(far.udp, PunchFrames.encode_hello("Far", false), port)
	var binds := _poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 2)
	_same("late: binds go on after success", _methods(binds), [RelayFrames.BIND_METHOD, RelayFrames.BIND_METHOD])
	_same("late: hellos are no longer answered", _drain_frames(far.udp), [])

	_send(relay.udp, FrameCodec.encode(RelayFrames.BOUND_METHOD, {}).to_utf8(), port)
	var skipped := _read_as_game(session, session_udp("Late"), "Late", "peer_relayed")
	_same("late: the game skips the late hello and the answer", skipped, [true, true])
	_same("late: the answer binds the peer", _args("Late", "peer_relayed"), [["Far", LOOPBACK, relay.port]])
	_same("late: binding is over", session.is_binding(), false)
	_drain_frames(relay.udp)
	_same("late: no binds once bound", _poll_for_ms([session], relay.udp, QUIET_MS), [])
	_same("late: only the answer binds", _names("Late"), ["relay_allocated", "peer_relayed"])
	session.stop()


# Rule 4's bound: an endpoint that never answers gets 40 binds in all, before and after success.
func _check_bind_attempts() -> void:
	var far := _open()
	var relay := _open()
	var session = _session("Capped", "off", WAIT_LIMIT_MS, FAST_BIND_GAP_MS)
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	session.on_relay_allocated([_relay_entry("Far", relay.port)], OS.get_ticks_msec())
	var frames := _poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 1)
	session.hand_over()
	var deadline := OS.get_ticks_msec() + WAIT_LIMIT_MS
	while OS.get_ticks_msec() < deadline and session.is_binding():
		_poll([session])
		frames += _drain_frames(relay.udp)
	frames += _poll_for_ms([session], relay.udp, QUIET_MS)
	_same("capped: binding gives up", session.is_binding(), false)
	_same("capped: 40 binds in all", frames.size(), RelayBinder.BIND_ATTEMPTS)
	_same("capped: only binds", _unique(_methods(frames)), [RelayFrames.BIND_METHOD])
	session.stop()


# On failure or abort (stop()), binding ends at once.
func _check_abort_stops_binding() -> void:
	var far := _open()
	var relay := _open()
	var session = _session("Aborted", "off", WAIT_LIMIT_MS, FAST_BIND_GAP_MS)
	session.start_punching([_peer("Far", far.port)], OS.get_ticks_msec())
	session.on_relay_allocated([_relay_entry("Far", relay.port)], OS.get_ticks_msec())
	_poll_for_frames([session], relay.udp, RelayFrames.BIND_METHOD, 1)
	session.stop()
	OS.delay_msec(20)
	_drain_frames(relay.udp)
	_same("aborted: no binds after stop", _poll_for_ms([session], relay.udp, QUIET_MS), [])


func _session(label: String, mode: String, punch_timeout_ms: int, bind_gap_ms: int = RelayBinder.BIND_GAP_MS):
	var bound := _open()
	var session = MediationSession.new(
			bound.udp, LOOPBACK, TOKEN, label, punch_timeout_ms, mode, RELAY_AFTER_MS, bind_gap_ms)
	for name in ["relay_wanted", "punched", "punch_failed"]:
		session.connect(name, self, "_on_one", [label, name])
	for name in ["relay_allocated", "peer_relayed", "game_packet"]:
		session.connect(name, self, "_on_three", [label, name])
	set_meta(label, bound.port)
	set_meta(label + "_udp", bound.udp)
	return session


func session_port(label: String) -> int:
	return get_meta(label)


func session_udp(label: String) -> PacketPeerUDP:
	return get_meta(label + "_udp")


# Reads the session's socket as the game does after the handover, until `name` is emitted;
# returns what consume_packet() said of each datagram.
func _read_as_game(session, udp: PacketPeerUDP, label: String, name: String) -> Array:
	var skipped := []
	var deadline := OS.get_ticks_msec() + WAIT_LIMIT_MS
	while OS.get_ticks_msec() < deadline and _args(label, name).empty():
		_poll([session])
		while udp.get_available_packet_count() > 0:
			var packet := udp.get_packet()
			skipped.append(session.consume_packet(packet, udp.get_packet_ip(), udp.get_packet_port()))
	return skipped


func _relay_entry(peer_name: String, port: int) -> Dictionary:
	return {"peerName": peer_name, "ip": LOOPBACK, "port": port}


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


# Polls for `ms`; returns every frame that arrived at `udp` meanwhile.
func _poll_for_ms(pollers: Array, udp: PacketPeerUDP, ms: int) -> Array:
	var until := OS.get_ticks_msec() + ms
	var frames := []
	while OS.get_ticks_msec() < until:
		_poll(pollers)
		frames += _drain_frames(udp)
	return frames


func _methods(frames: Array) -> Array:
	var methods := []
	for frame in frames:
		methods.append(frame.method if frame != null else null)
	return methods


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
