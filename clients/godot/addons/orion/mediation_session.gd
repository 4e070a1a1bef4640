# This client's part of one mediation (docs/protocol.md, steps 6 to 9), like the SDK's
# packages/sdk/src/mediation-session.ts: answer every ptpMediation_send with a ptpMediation_connect
# datagram from the game's socket, then punch the peers Orion names. The client reports
# success over the WebSocket when `punched` fires, and drops the session when the mediation
# ends; from then on the socket is left alone.
extends Reference

const FrameCodec = preload("frame_codec.gd")
const HolePuncher = preload("hole_puncher.gd")
const UdpBinding = preload("udp_binding.gd")

signal peers_received(peers)
signal punched(peers)
signal punch_failed(unreachable)
signal game_packet(packet, ip, port)

var _udp: PacketPeerUDP
var _udp_host: String
var _token: String
var _punch_timeout_ms: int
var _puncher: HolePuncher
var _punching := false


# Answering hellos starts at once: a peer may punch before our own peer list arrives.
func _init(udp: PacketPeerUDP, udp_host: String, token: String, self_name: String, punch_timeout_ms: int) -> void:
	_udp = udp
	_udp_host = udp_host
	_token = token
	_punch_timeout_ms = punch_timeout_ms
	# Whatever is queued (late hellos of an earlier mediation) is not for this one.
	UdpBinding.drain(udp)
	_puncher = HolePuncher.new(udp, self_name)
	_puncher.connect("punched", self, "_on_punched")
	_puncher.connect("punch_failed", self, "_on_punch_failed")
	_puncher.connect("game_packet", self, "_on_game_packet")


# Each ptpMediation_send gets one datagram to Orion's UDP port, from the game's socket.
func send_connect(server_udp_port: int) -> void:
	_udp.set_dest_address(_udp_host, server_udp_port)
	_udp.put_packet(FrameCodec.encode("ptpMediation_connect", {"token": _token}).to_utf8())


# ptpMediation_peersConnection_start: the host gets every member, a member the host.
func start_punching(raw_peers) -> void:
	if _punching or typeof(raw_peers) != TYPE_ARRAY:
		return
	_punching = true
	var peers := []
	for raw in raw_peers:
		if typeof(raw) == TYPE_DICTIONARY:
			var name := str(raw.get("name", ""))
			peers.append({"name": name, "ip": str(raw.get("ip", "")), "port": int(raw.get("port", 0))})
	emit_signal("peers_received", peers)
	_puncher.punch(peers, _punch_timeout_ms, OS.get_ticks_msec())


func poll(now_ms: int) -> void:
	_puncher.poll(now_ms)


func stop() -> void:
	_puncher.stop()


func _on_punched(peers: Array) -> void:
	emit_signal("punched", peers)


# Orion aborts the mediation once its own connect timeout passes; nothing to tell it here.
func _on_punch_failed(unreachable: Array) -> void:
	_puncher.stop()
	emit_signal("punch_failed", unreachable)


func _on_game_packet(packet: PoolByteArray, ip: String, port: int) -> void:
	emit_signal("game_packet", packet, ip, port)
