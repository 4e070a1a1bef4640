# The arguments after `--` on Godot's command line, as {"name": "value"} from `--name value`.
extends Reference


static func parse(cmdline: PoolStringArray) -> Dictionary:
	var parsed := {}
	var after_separator := false
	var i := 0
	while i < cmdline.size():
		var arg: String = cmdline[i]
		if arg == "--":
			after_separator = true
		elif after_separator and arg.begins_with("--") and i + 1 < cmdline.size():
			parsed[arg.substr(2, arg.length() - 2)] = cmdline[i + 1]
			i += 1
		i += 1
	return parsed
