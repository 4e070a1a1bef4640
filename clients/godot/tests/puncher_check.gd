# Checks hole_puncher.gd on its own, with real UDP sockets on 127.0.0.1 and no server:
# two punchers reach each other (one of them before it was told about the other), game
# datagrams pass through `game_packet`, a silent peer gets retried hellos and then
# punch_failed, and a stopped puncher leaves the socket to the game. One ORION_TEST line per
# failed check; exits 0 when all pass.
extends SceneTree

const HolePuncher = preload("res://addons/orion/hole_puncher.gd")
const PunchFrames = preload("res://addons/orion/punch_frames.gd")
const TestReport = preload("res://tests/test_report.gd")
const UdpBinding = preload("res://addons/orion/udp_binding.gd")

# Every wait below ends by this much; nothing here should take more than a few hundred ms.
const WAIT_LIMIT_MS := 3000
const SILENT_TIMEOUT_MS := 300

var report = TestReport.new()
var checks := 0
var failures := 0
var heard := {}  # puncher label -> [signal name, args]
var sockets := []


func _initialize() -> void:
	var a := _open()
	var b := _open()
	var c := _open()
	var silent := _open()
	var puncher_a = _watch(HolePuncher.new(a.udp, "A"), "A")
	var puncher_b = _watch(HolePuncher.new(b.udp, "B"), "B")
	var puncher_c = _watch(HolePuncher.new(c.udp, "C"), "C")
	var all := [puncher_a, puncher_b, puncher_c]

	# Game data that arrives while the puncher reads the socket is passed on, not swallowed.
	_send(b.udp, "game early", a.port)
	_poll_until(all, "A", "game_packet")
	_same("game datagram passed on", heard.get("A"), ["game_packet", ["game early", "127.0.0.1", b.port]])

	# A punches B; B is not punching yet but answers from the start.
	puncher_a.punch([_peer("B", b.port)], WAIT_LIMIT_MS, OS.get_ticks_msec())
	_poll_until(all, "A", "punched")
	_same("A reached B", heard.get("A"), ["punched", [[_reached("B", b.port)]]])
	# B heard A's hello before it had a peer list: its own punch ends at once.
	puncher_b.punch([_peer("A", a.port)], WAIT_LIMIT_MS, OS.get_ticks_msec())
	_same("B already reached A", heard.get("B"), ["punched", [[_reached("A", a.port)]]])

	# A peer that never answers: hellos are retried, then punch_failed names it.
	puncher_c.punch([_peer("Silent", silent.port)], SILENT_TIMEOUT_MS, OS.get_ticks_msec())
	_poll_until(all, "C", "punch_failed")
	_same("silent peer reported", heard.get("C"), ["punch_failed", [[_peer("Silent", silent.port)]]])
	var hellos := _drain_hellos(silent.udp)
	_check("hellos to the silent peer were retried", hellos.size() >= 2, str(hellos))
	_same("each retry is C's hello", _unique(hellos), [{"name": "C", "ack": false}])

	# After stop() the socket is the game's: nothing is read from it any more.
	puncher_a.stop()
	_send(b.udp, "game late", a.port)
	OS.delay_msec(50)
	heard.erase("A")
	puncher_a.poll(OS.get_ticks_msec())
	_same("a stopped puncher reads nothing", heard.get("A"), null)
	_same("the datagram waits for the game", a.udp.get_available_packet_count(), 1)

	for socket in sockets:
		socket.close()
	report.event("puncher_checks", {"checks": checks, "failures": failures})
	quit(0 if failures == 0 and checks > 0 else 1)


func _open() -> Dictionary:
	var bound := UdpBinding.open(0, "127.0.0.1")
	sockets.append(bound.udp)
	return bound


func _watch(puncher, label: String):
	for name in ["punched", "punch_failed"]:
		puncher.connect(name, self, "_on_signal", [label, name])
	puncher.connect("game_packet", self, "_on_game_packet", [label])
	return puncher


func _on_signal(value, label: String, name: String) -> void:
	heard[label] = [name, [value]]


func _on_game_packet(packet: PoolByteArray, ip: String, port: int, label: String) -> void:
	heard[label] = ["game_packet", [packet.get_string_from_utf8(), ip, port]]


func _poll_until(punchers: Array, label: String, name: String) -> void:
	var deadline := OS.get_ticks_msec() + WAIT_LIMIT_MS
	heard.erase(label)
	while OS.get_ticks_msec() < deadline:
		for puncher in punchers:
			puncher.poll(OS.get_ticks_msec())
		if heard.has(label) and heard[label][0] == name:
			return
		OS.delay_msec(5)


func _send(udp: PacketPeerUDP, text: String, port: int) -> void:
	udp.set_dest_address("127.0.0.1", port)
	udp.put_packet(text.to_utf8())


func _drain_hellos(udp: PacketPeerUDP) -> Array:
	var hellos := []
	while udp.get_available_packet_count() > 0:
		hellos.append(PunchFrames.decode_hello(udp.get_packet()))
	return hellos


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
	return {"name": name, "ip": "127.0.0.1", "port": port}


func _reached(name: String, port: int) -> Dictionary:
	return {"name": name, "ip": "127.0.0.1", "port": port, "relayed": false}


func _same(what: String, actual, expected) -> void:
	var same := typeof(actual) == typeof(expected) and str(actual) == str(expected)
	_check(what, same, "%s, expected %s" % [actual, expected])


func _check(what: String, ok: bool, detail: String) -> void:
	checks += 1
	if ok:
		return
	failures += 1
	report.event("check_failed", {"check": what, "detail": detail})
