# A member of the headless party test (see party_player.gd): joins the lobby given as --lobby.
extends "res://tests/party_player.gd"


func _initialize() -> void:
	._initialize()
	report.expect(["lobby_joined"])


func _on_registered() -> void:
	._on_registered()
	var error: int = client.join_lobby(args.get("lobby", ""), me)
	if error != OK:
		fail("join_lobby returned error %d" % error)


func _on_lobby_joined(info: Dictionary) -> void:
	report.event("lobby_joined", {"info": info})
	report.met("lobby_joined")
	_note_present(info.get("lobbyMembers", []))
