# What a headless test process tells the Node test: one `ORION_TEST <json>` line per event,
# and the list of expected events still missing, so a failure says exactly what never came.
extends Reference

const LINE_PREFIX := "ORION_TEST "

var _missing := []


func expect(keys: Array) -> void:
	for key in keys:
		if not _missing.has(key):
			_missing.append(key)


func met(key: String) -> void:
	_missing.erase(key)


func missing() -> Array:
	return _missing.duplicate()


func all_met() -> bool:
	return _missing.empty()


func event(name: String, fields: Dictionary = {}) -> void:
	var line := {"event": name}
	for key in fields:
		line[key] = fields[key]
	print(LINE_PREFIX + JSON.print(line))


# The last event of a run: "done", or "failed" with why and what never came.
func outcome(failure: String) -> void:
	if failure.empty():
		event("done")
	else:
		event("failed", {"why": failure, "missing": missing()})
