# The host of the headless party test (see party_player.gd): hosts a public lobby, prints its
# id for the Node test to hand to the members, checks the lobby list and one refused request,
# and starts the mediation once every member is in and every chat line came back. It greets
# the members as soon as they answered the punch, while they may still be mediating, so their
# clients see that datagram through game_packet_received rather than on the handed-over socket.
extends "res://tests/party_player.gd"

const LOBBY_NAME := "Godot Night"

var lobby_id := ""


func _initialize() -> void:
	._initialize()
	report.expect(["lobby_hosted", "lobby_listed", "join_refused"])
	for name in roster:
		if name != me:
			report.expect(["peer_joined:" + name])


func _on_registered() -> void:
	._on_registered()
	var error: int = client.host_lobby(me, LOBBY_NAME, true, roster.size())
	if error != OK:
		fail("host_lobby returned error %d" % error)


func _on_lobby_hosted(hosted_id: String, lobby_name: String) -> void:
	lobby_id = hosted_id
	report.event("hosted", {"lobbyId": hosted_id, "lobbyName": lobby_name})
	report.met("lobby_hosted")
	_note_present([me])
	client.list_lobbies()
	# Already in a lobby: Orion must refuse, and request_failed must carry its status and errors.
	client.join_lobby(hosted_id, "Again")


func _on_lobby_list(lobbies: Array) -> void:
	report.event("lobby_list", {"lobbies": lobbies})
	for lobby in lobbies:
		if lobby.id == lobby_id and lobby.name == LOBBY_NAME and lobby.maxMembers == roster.size():
			report.met("lobby_listed")
			return
	fail("the hosted lobby is not in the list")


func _on_request_failed(status: int, errors: Array, request: String) -> void:
	if request == "POST /lobbies/%s/join" % lobby_id and report.missing().has("join_refused"):
		report.event("request_failed", {"status": status, "errors": errors, "request": request})
		report.met("join_refused")
		return
	._on_request_failed(status, errors, request)


func _on_all_chat_received() -> void:
	var error: int = client.start_mediation()
	if error != OK:
		fail("start_mediation returned error %d" % error)


func _on_punched(peers: Array) -> void:
	._on_punched(peers)
	_greet(peers)
