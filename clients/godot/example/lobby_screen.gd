# A lobby screen on top of the Orion addon: connect, list, host or join, chat, start. When the
# mediation succeeds, every player greets its peers over the punched UDP socket; a real game
# would switch to its match scene here and keep using orion.get_udp_peer().
extends Control

onready var orion = $Orion
onready var url_field: LineEdit = $Rows/Server/Url
onready var player_field: LineEdit = $Rows/Names/Player
onready var lobby_field: LineEdit = $Rows/Names/Lobby
onready var lobby_list: ItemList = $Rows/Lobbies
onready var chat_log: TextEdit = $Rows/Chat
onready var chat_line: LineEdit = $Rows/Say/Line
onready var status: Label = $Rows/Status

var playing := false


func _ready() -> void:
	$Rows/Server/Connect.connect("pressed", self, "_on_connect_pressed")
	$Rows/Actions/Refresh.connect("pressed", orion, "list_lobbies")
	$Rows/Actions/Host.connect("pressed", self, "_on_host_pressed")
	$Rows/Actions/Join.connect("pressed", self, "_on_join_pressed")
	$Rows/Actions/Start.connect("pressed", orion, "start_mediation")
	$Rows/Say/Send.connect("pressed", self, "_on_send_pressed")
	chat_line.connect("text_entered", self, "_on_send_pressed")
	var signals := [
		"registered", "connection_failed", "connection_closed",
		"lobby_list", "lobby_hosted", "lobby_joined", "request_failed",
		"peer_joined", "peer_left", "lobby_closed", "chat_received",
		"mediation_started", "punched", "punch_failed", "mediation_succeeded", "mediation_aborted",
	]
	for name in signals:
		orion.connect(name, self, "_on_" + name)


func _process(_delta: float) -> void:
	if not playing:
		return
	var udp: PacketPeerUDP = orion.get_udp_peer()
	while udp.get_available_packet_count() > 0:
		var packet := udp.get_packet()
		var ip := udp.get_packet_ip()
		var port := udp.get_packet_port()
		# Late handshake datagrams are the client's: it skips them (and finishes a relay bind).
		if not orion.consume_packet(packet, ip, port):
			_log("[udp %s:%d] %s" % [ip, port, packet.get_string_from_utf8()])


func _on_connect_pressed() -> void:
	status.text = "Connecting..."
	if orion.connect_to_server(url_field.text.strip_edges()) != OK:
		status.text = "That is not an http:// or https:// address."


func _on_host_pressed() -> void:
	orion.host_lobby(player_field.text, lobby_field.text, true, 8)


func _on_join_pressed() -> void:
	var selected := lobby_list.get_selected_items()
	if selected.empty():
		status.text = "Pick a lobby first."
		return
	orion.join_lobby(lobby_list.get_item_metadata(selected[0]), player_field.text)


func _on_send_pressed(_text: String = "") -> void:
	if chat_line.text.strip_edges().empty():
		return
	orion.send_chat(chat_line.text)
	chat_line.clear()


func _on_registered() -> void:
	status.text = "Connected. List, host or join a lobby."
	orion.list_lobbies()


func _on_connection_failed(url: String) -> void:
	status.text = "Could not reach Orion at %s." % url


func _on_connection_closed(code: int) -> void:
	status.text = "Disconnected (code %d)." % code


func _on_lobby_list(lobbies: Array) -> void:
	lobby_list.clear()
	for lobby in lobbies:
		lobby_list.add_item("%s  (%d/%d)" % [lobby.name, lobby.currentMembers, lobby.maxMembers])
		lobby_list.set_item_metadata(lobby_list.get_item_count() - 1, lobby.id)


func _on_lobby_hosted(lobby_id: String, lobby_name: String) -> void:
	status.text = "Hosting %s, code %s. Start when everyone is in." % [lobby_name, lobby_id]


func _on_lobby_joined(info: Dictionary) -> void:
	status.text = "Joined %s: %s." % [info.lobbyName, PoolStringArray(info.lobbyMembers).join(", ")]


func _on_request_failed(status_code: int, errors: Array, _request: String) -> void:
	status.text = "%s (HTTP %d)" % [PoolStringArray(errors).join(" "), status_code]


func _on_peer_joined(name: String) -> void:
	_log("* %s joined" % name)


func _on_peer_left(name: String) -> void:
	_log("* %s left" % name)


func _on_lobby_closed(_lobby_id: String, lobby_name: String) -> void:
	_log("* lobby %s closed" % lobby_name)


func _on_chat_received(sender: String, text: String, _timestamp: int) -> void:
	_log("%s: %s" % [sender, text])


func _on_mediation_started(_server_udp_port: int) -> void:
	status.text = "Finding a direct route to the other players..."


func _on_punched(peers: Array) -> void:
	status.text = "Reached %d peer(s), waiting for the others..." % peers.size()


func _on_punch_failed(unreachable: Array) -> void:
	status.text = "Could not reach %d peer(s) directly." % unreachable.size()


func _on_mediation_aborted(reason: String) -> void:
	status.text = "Mediation aborted: " + reason


func _on_mediation_succeeded(peers: Array) -> void:
	var relayed: int = orion.get_relayed_peer_names().size()
	var through := "" if relayed == 0 else " (%d through Orion's relay)" % relayed
	status.text = "Connected to %d peer(s)%s on UDP port %d." % [peers.size(), through, orion.get_local_udp_port()]
	playing = true
	var udp: PacketPeerUDP = orion.get_udp_peer()
	for peer in peers:
		udp.set_dest_address(peer.ip, peer.port)
		udp.put_packet(("hi %s, this is %s" % [peer.name, orion.get_member_name()]).to_utf8())


func _log(line: String) -> void:
	chat_log.text += line + "\n"
	chat_log.cursor_set_line(chat_log.get_line_count())
