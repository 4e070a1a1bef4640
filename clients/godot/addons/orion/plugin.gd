# Editor side of the addon: makes OrionClient a node type in the "Create New Node" dialog.
# Games can also skip the plugin and attach orion_client.gd to any Node.
tool
extends EditorPlugin

const TYPE_NAME := "OrionClient"


func _enter_tree() -> void:
	add_custom_type(TYPE_NAME, "Node", preload("orion_client.gd"), null)


func _exit_tree() -> void:
	remove_custom_type(TYPE_NAME)
