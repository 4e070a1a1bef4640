# When reconnecting must end (test/godot.e2e-spec.ts), run as a SceneTree script:
#   godot3-server --no-window --path clients/godot -s res://tests/reconnect_give_up.gd -- --url ...
# One client hosts a lobby, then its connection is dropped (drop_connection()). With
# --reconnect true it must hear connection_lost and then, instead of reconnected, the final
# connection_closed with the drop's code, having forgotten its lobby: because Orion refused the
# resume (its grace was over) or because --within-ms passed without an answer (an Orion without
# reconnection ignores client_resume). With --reconnect false only connection_closed comes, as
# before the feature. The time from the drop to connection_closed is reported.
extends SceneTree

const OrionClient = preload("res://addons/orion/orion_client.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

var report = TestReport.new()
var client: OrionClient
var reconnect := false
var dropped_at_ms := 0
var deadline_ms := 0
var done := false


func _initialize() -> void:
	var args := TestArgs.parse(OS.get_cmdline_args())
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "20000"))
	reconnect = args.get("reconnect", "true") == "true"
	Engine.target_fps = 200
	report.expect(["hosted", "connection_closed"])
	if reconnect:
		report.expect(["connection_lost"])
	client = OrionClient.new()
	client.reconnect = reconnect
	client.reconnect_within_ms = int(args.get("within-ms", str(client.reconnect_within_ms)))
	var first_delay := str(client.reconnect_initial_delay_ms)
	client.reconnect_initial_delay_ms = int(args.get("initial-delay-ms", first_delay))
	root.add_child(client)
	for name in ["registered", "lobby_hosted", "connection_lost", "reconnected", "connection_closed",
			"connection_failed", "request_failed"]:
		client.connect(name, self, "_on_" + name)
	if client.connect_to_server(args.get("url", ""), 0, "127.0.0.1") != OK:
		_finish("connect_to_server failed")


func _idle(_delta: float) -> bool:
	if not done and OS.get_ticks_msec() > deadline_ms:
		_finish("timed out")
	return false


func _on_registered() -> void:
	if client.host_lobby("Solo", "Short Night") != OK:
		_finish("host_lobby failed")


func _on_lobby_hosted(lobby_id: String, _lobby_name: String) -> void:
	report.event("hosted", {"lobbyId": lobby_id})
	report.met("hosted")
	dropped_at_ms = OS.get_ticks_msec()
	client.drop_connection()


func _on_connection_lost(code: int) -> void:
	report.event("connection_lost", {"code": code, "reconnecting": client.is_reconnecting()})
	if not reconnect:
		_finish("connection_lost without reconnect")
		return
	report.met("connection_lost")


func _on_reconnected(summary: Dictionary) -> void:
	report.event("reconnected", {"summary": summary})
	_finish("reconnected, but it should not have")


func _on_connection_closed(code: int) -> void:
	report.event("connection_closed", {
		"code": code, "afterMs": OS.get_ticks_msec() - dropped_at_ms,
		"reconnecting": client.is_reconnecting(), "registered": client.is_registered(),
		"lobbyIdAfter": client.get_lobby_id(),
	})
	var missing: Array = report.missing()
	if missing.has("hosted") or missing.has("connection_lost"):
		_finish("connection_closed came early")
		return
	report.met("connection_closed")
	_finish("")


func _on_connection_failed(url: String) -> void:
	_finish("connection_failed " + url)


func _on_request_failed(status: int, _errors: Array, request: String) -> void:
	_finish("request_failed %d %s" % [status, request])


func _finish(failure: String) -> void:
	if done:
		return
	done = true
	report.outcome(failure)
	client.close()
	quit(0 if failure.empty() else 1)
