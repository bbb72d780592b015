package domain

import (
	"reflect"
	"strings"
)

// JSONField returns the field of the struct v whose JSON name is name: what strict readers of the
// configuration files (policies, the organisation directory) use to name unknown fields.
func JSONField(v reflect.Value, name string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if jsonName(v.Type().Field(i)) == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// JSONFieldNames returns the JSON names of the fields of the struct type t, in order.
func JSONFieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name := jsonName(t.Field(i)); name != "" {
			names = append(names, name)
		}
	}
	return names
}

// jsonName returns the name under which encoding/json writes the field ("" for none).
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}
