// Package directory reads the organisation directory from its file and keeps it, and the staff file, current while predmet runs.
package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/predmet/predmet/domain"
)

// Load reads the organisation directory from the JSON file at path (see deploy/directory/example.json)
// and validates it (domain.Organisation.Validate). The file is read strictly: a field the directory does
// not have, a field given twice, a value of the wrong type or anything after the directory's object is
// an error. A fault in the file is an EINVALID *domain.Error whose Field is the JSON path of the value
// at fault and whose message starts with the file, line and column, such as
//
//	directory.json:12:18: units[3].head.email: "ana@" is not one bare e-mail address such as …
//
// A file that cannot be read is an internal error wrapping the operating system's.
func Load(path string) (*domain.Organisation, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load directory: %w", err)
	}
	return parse(path, b)
}

// parse decodes and validates the directory file b read from path.
func parse(path string, b []byte) (*domain.Organisation, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF")) // as an editor on Windows may save it
	d := &decoder{file: path, src: b, dec: json.NewDecoder(bytes.NewReader(b)), pos: map[string]int64{}}
	d.dec.UseNumber()
	org := new(domain.Organisation)
	if err := d.root(reflect.ValueOf(org).Elem()); err != nil {
		return nil, err
	}
	if err := org.Validate(); err != nil {
		var e *domain.Error
		if !errors.As(err, &e) {
			return nil, err
		}
		return nil, d.fail(e.Field, d.position(e.Field), "%s", e.Message)
	}
	return org, nil
}

// decoder reads a JSON document into Go values strictly, remembering where each value starts so that
// errors, its own and Validate's, can name a line and column.
type decoder struct {
	file string
	src  []byte
	dec  *json.Decoder
	pos  map[string]int64 // offset of the first byte of each value read, by JSON path
}

// root reads the whole document into v.
func (d *decoder) root(v reflect.Value) error {
	tok, at, err := d.next("")
	if err == io.EOF {
		return d.fail("", at, "the file is empty; want a JSON object")
	} else if err != nil {
		return err
	}
	if err := d.decode("", v, tok, at); err != nil {
		return err
	}
	if _, at, err := d.next(""); err != io.EOF {
		if err != nil {
			return err
		}
		return d.fail("", at, "more data after the directory's JSON object")
	}
	return nil
}

// next reads the next token and returns it with the offset where it starts. The end of the file is
// io.EOF; a syntax error is an EINVALID error naming path, and the line and column of the fault.
func (d *decoder) next(path string) (json.Token, int64, error) {
	at := d.dec.InputOffset()
	for at < int64(len(d.src)) && strings.IndexByte(" \t\r\n:,", d.src[at]) >= 0 {
		at++
	}
	tok, err := d.dec.Token()
	switch {
	case err == io.EOF:
		return nil, at, err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, at, d.fail(path, int64(len(d.src)), "%sthe file ends in the middle of the directory", label(path))
	case err != nil:
		// The decoder's offsets are not always those of the fault: scan the whole file again.
		var syntax *json.SyntaxError
		if errors.As(json.Unmarshal(d.src, new(any)), &syntax) {
			return nil, at, d.fail(path, max(syntax.Offset-1, 0), "%s%s", label(path), syntax.Error())
		}
		return nil, at, d.fail(path, at, "%s%v", label(path), err)
	}
	return tok, at, nil
}

// value reads the next value into v.
func (d *decoder) value(path string, v reflect.Value) error {
	tok, at, err := d.next(path)
	if err == io.EOF {
		return d.fail(path, at, "%sthe file ends in the middle of the directory", label(path))
	} else if err != nil {
		return err
	}
	return d.decode(path, v, tok, at)
}

// decode reads the value that starts with tok, at offset at, into v.
func (d *decoder) decode(path string, v reflect.Value, tok json.Token, at int64) error {
	d.pos[path] = at
	switch v.Kind() {
	case reflect.Pointer:
		if tok == nil {
			v.SetZero()
			return nil
		}
		fresh := reflect.New(v.Type().Elem())
		if err := d.decode(path, fresh.Elem(), tok, at); err != nil {
			return err
		}
		v.Set(fresh)
		return nil
	case reflect.String:
		s, ok := tok.(string)
		if !ok {
			return d.fail(path, at, "%swant a string, not %s", label(path), describe(tok))
		}
		v.SetString(s)
		return nil
	case reflect.Struct:
		if tok != json.Delim('{') {
			return d.fail(path, at, "%swant an object, not %s", label(path), describe(tok))
		}
		given := map[string]bool{}
		for d.dec.More() {
			key, keyAt, err := d.next(path)
			if err != nil {
				return err
			}
			name := key.(string) // a JSON object's keys are strings, or the decoder fails
			field, ok := domain.JSONField(v, name)
			if !ok {
				return d.fail(join(path, name), keyAt, "%sunknown field %q (fields are %s)", label(path), name, strings.Join(domain.JSONFieldNames(v.Type()), ", "))
			} else if given[name] {
				return d.fail(join(path, name), keyAt, "%sthe field %q is given twice", label(path), name)
			}
			given[name] = true
			if err := d.value(join(path, name), field); err != nil {
				return err
			}
		}
		return d.end(path)
	case reflect.Slice:
		if tok == nil {
			v.SetZero()
			return nil
		} else if tok != json.Delim('[') {
			return d.fail(path, at, "%swant a list, not %s", label(path), describe(tok))
		}
		list := reflect.MakeSlice(v.Type(), 0, 4)
		for i := 0; d.dec.More(); i++ {
			item := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(fmt.Sprintf("%s[%d]", path, i), item); err != nil {
				return err
			}
			list = reflect.Append(list, item)
		}
		v.Set(list)
		return d.end(path)
	case reflect.Map:
		if tok == nil {
			v.SetZero()
			return nil
		} else if tok != json.Delim('{') {
			return d.fail(path, at, "%swant an object, not %s", label(path), describe(tok))
		}
		m := reflect.MakeMap(v.Type())
		for d.dec.More() {
			key, keyAt, err := d.next(path)
			if err != nil {
				return err
			}
			name := key.(string)
			k := reflect.ValueOf(name).Convert(v.Type().Key())
			if m.MapIndex(k).IsValid() {
				return d.fail(join(path, name), keyAt, "%sthe key %q is given twice", label(path), name)
			}
			item := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(join(path, name), item); err != nil {
				return err
			}
			m.SetMapIndex(k, item)
		}
		v.Set(m)
		return d.end(path)
	}
	return d.fail(path, at, "%sa %s cannot be read", label(path), v.Type()) // a programming error
}

// end reads the closing delimiter of an object or list whose values have been read.
func (d *decoder) end(path string) error {
	_, at, err := d.next(path)
	if err == io.EOF {
		return d.fail(path, at, "%sthe file ends in the middle of the directory", label(path))
	}
	return err
}

// fail returns the EINVALID error for the value at path, which starts at offset at.
func (d *decoder) fail(path string, at int64, format string, args ...any) error {
	line, col := d.lineCol(at)
	return domain.FieldErrorf(path, "%s:%d:%d: %s", d.file, line, col, fmt.Sprintf(format, args...))
}

// position returns where the value at path starts, or its nearest enclosing value that the file
// holds (a missing field's object).
func (d *decoder) position(path string) int64 {
	for {
		if at, ok := d.pos[path]; ok {
			return at
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return d.pos[""]
		}
		path = path[:i]
	}
}

// lineCol turns an offset into a line and a column, both counted from 1, the column in characters.
func (d *decoder) lineCol(at int64) (line, col int) {
	before := d.src[:min(at, int64(len(d.src)))]
	line = 1 + bytes.Count(before, []byte("\n"))
	return line, 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
}

// label is what an error message starts with for the value at path.
func label(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// join returns the path of the field name of the value at path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// describe says what a JSON token is, for an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", t)
	case json.Number:
		return "the number " + t.String()
	case bool:
		return fmt.Sprint(t)
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "a list"
	}
	return fmt.Sprint(tok)
}

// Holder holds the organisation directory in force and replaces it when its file changes (see File).
type Holder = File[domain.Organisation]

// Open loads the directory from the file at path and returns a holder of it; see Load for the errors.
// A nil logger logs nothing.
func Open(path string, logger *zap.Logger) (*Holder, error) {
	return OpenFile(path, Source[domain.Organisation]{
		Name:  "directory",
		Parse: parse,
		Describe: func(org *domain.Organisation) []zap.Field {
			return []zap.Field{zap.Int("units", len(org.Units)), zap.Int("officers", len(org.Department.Officers))}
		},
	}, logger)
}
