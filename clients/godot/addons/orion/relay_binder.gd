# Binds this client's side of each relayed pair (docs/protocol.md, "Relay fallback (opt-in)"):
# for every relay endpoint Orion allocated, `ptpMediation_relay_bind {token}` goes out from the
# game's socket every BIND_GAP_MS until `ptpMediation_relay_bound` comes back from that exact
# endpoint, at most BIND_ATTEMPTS times (as the SDK's RELAY_BIND_ATTEMPTS). The relay learns our
# public endpoint from the bind itself, so it must leave from the socket the game will use.
# Whoever reads the socket passes the answers to on_bound(); after the handover that is the game.
extends Reference

const RelayFrames = preload("relay_frames.gd")

const BIND_GAP_MS := 250
# 10 s at BIND_GAP_MS; each allocated endpoint gets this many binds, before and after success.
const BIND_ATTEMPTS := 40

# The relay at ip:port answered: from now on `peer_name` is reached through it.
signal bound(peer_name, ip, port)

var _udp: PacketPeerUDP
var _bind_packet: PoolByteArray
var _gap_ms: int
var _binding := {}  # peer name -> {ip, port, next_ms, sent}
var _bound := {}  # peer name -> {ip, port}
var _stopped := false


func _init(udp: PacketPeerUDP, token: String, gap_ms: int = BIND_GAP_MS) -> void:
	_udp = udp
	_bind_packet = RelayFrames.encode_bind(token)
	_gap_ms = gap_ms


# Starts binding `peer_name` to the relay at ip:port, unless that is already done or under way;
# a different endpoint for the same peer replaces the old one.
func bind(peer_name: String, ip: String, port: int, now_ms: int) -> void:
	if _stopped or _same_endpoint(_bound.get(peer_name), ip, port):
		return
	if _same_endpoint(_binding.get(peer_name), ip, port):
		return
	_bound.erase(peer_name)
	_binding[peer_name] = {"ip": ip, "port": port, "next_ms": now_ms, "sent": 0}


# Sends the binds that are due; an endpoint that never answered BIND_ATTEMPTS binds is given up.
func poll(now_ms: int) -> void:
	if _stopped:
		return
	# The game may close the socket once it is its own (to hand the port to ENet, say).
	if not _udp.is_listening():
		stop()
		return
	for peer_name in _binding.keys():
		var pending: Dictionary = _binding[peer_name]
		if now_ms < pending.next_ms:
			continue
		if pending.sent >= BIND_ATTEMPTS:
			_binding.erase(peer_name)
			continue
		pending.sent += 1
		pending.next_ms = now_ms + _gap_ms
		# UDP is lossy anyway: a bind that cannot be sent is retried with the next one.
		_udp.set_dest_address(pending.ip, pending.port)
		_udp.put_packet(_bind_packet)


# A `ptpMediation_relay_bound` arrived from ip:port: binds to exactly that endpoint are done.
func on_bound(ip: String, port: int) -> void:
	if _stopped:
		return
	for peer_name in _binding.keys():
		# A listener may have stopped the binder in the meantime.
		if not _binding.has(peer_name):
			continue
		var pending: Dictionary = _binding[peer_name]
		if not _same_endpoint(pending, ip, port):
			continue
		_binding.erase(peer_name)
		_bound[peer_name] = {"ip": ip, "port": port}
		emit_signal("bound", peer_name, ip, port)


# True while some endpoint is still being bound.
func is_binding() -> bool:
	return not _stopped and not _binding.empty()


func stop() -> void:
	_stopped = true
	_binding.clear()


static func _same_endpoint(endpoint, ip: String, port: int) -> bool:
	return typeof(endpoint) == TYPE_DICTIONARY and endpoint.ip == ip and endpoint.port == port
