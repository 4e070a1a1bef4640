# Opens the game's UDP socket. Godot 3 cannot tell which port the OS picked for port 0, and
# the client must know its own port (to hand it to ENet later, for one), so "any port" is a
# random port from the dynamic range, tried until one is free.
extends Reference

const DYNAMIC_FIRST := 49152
const DYNAMIC_LAST := 65535
const RANDOM_TRIES := 32


# {"udp": PacketPeerUDP, "port": int} bound to `port` (0: a free random one), or {"error": int}.
static func open(port: int, bind_address: String) -> Dictionary:
	if port != 0:
		return _listen(port, bind_address)
	var rng := RandomNumberGenerator.new()
	rng.randomize()
	var last := {"error": ERR_CANT_CREATE}
	for _i in range(RANDOM_TRIES):
		last = _listen(rng.randi_range(DYNAMIC_FIRST, DYNAMIC_LAST), bind_address)
		if not last.has("error"):
			return last
	return last


# Throws away whatever is queued, e.g. late hellos of an earlier mediation.
static func drain(udp: PacketPeerUDP) -> void:
	while udp.get_available_packet_count() > 0:
		udp.get_packet()


static func _listen(port: int, bind_address: String) -> Dictionary:
	var udp := PacketPeerUDP.new()
	var error := udp.listen(port, bind_address)
	if error != OK:
		return {"error": error}
	return {"udp": udp, "port": port}
