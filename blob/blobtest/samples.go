package blobtest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"strings"

	"github.com/predmet/predmet/blob"
)

// Sample is a small file of a known media type.
type Sample struct {
	Name string
	// MediaType is what the store must sniff from Bytes.
	MediaType string
	Bytes     []byte
}

// Samples returns a small real file of each of blob.DefaultTypes.
func Samples() []Sample {
	return []Sample{
		{"answer.pdf", blob.TypePDF, PDF("Одговор на претставка")},
		{"scan.jpg", blob.TypeJPEG, JPEG()},
		{"photo.png", blob.TypePNG, PNG()},
		{"fax.tiff", blob.TypeTIFF, TIFF()},
		{"report.docx", blob.TypeDOCX, DOCX("Извештај")},
		{"report.odt", blob.TypeODT, ODT("Raport")},
		{"note.txt", "text/plain; charset=utf-8", []byte("Почитувани,\nВе молиме за информација за патот во с. Ѓорче Петров.\nFaleminderit, Ëndrit Çela\n")},
		// Plain text that merely looks like a table: a comma on each line.
		{"short.txt", "text/csv", []byte("Почитувани,\nВе молиме, одговорете.\n")},
	}
}

// PDF returns a minimal one-page PDF showing text (its bytes are ASCII: the text is escaped).
func PDF(text string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	b.WriteString("1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n")
	b.WriteString("2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n")
	b.WriteString("3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n")
	b.WriteString("% " + strings.ToValidUTF8(text, "?") + "\n")
	b.WriteString("trailer << /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

func picture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for x := range 16 {
		for y := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 16), 128, 255})
		}
	}
	return img
}

// JPEG returns a small JPEG image.
func JPEG() []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PNG returns a small PNG image.
func PNG() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture()); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TIFF returns a 1×1 grey TIFF image (little-endian, uncompressed), as a scanner or a fax writes them.
func TIFF() []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II")
	binary.Write(&b, le, uint16(42))
	binary.Write(&b, le, uint32(8)) // the first IFD follows the header
	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32
	}
	const short, long = 3, 4
	entries := []entry{
		{256, short, 1, 1}, // ImageWidth
		{257, short, 1, 1}, // ImageLength
		{258, short, 1, 8}, // BitsPerSample
		{259, short, 1, 1}, // Compression: none
		{262, short, 1, 1}, // PhotometricInterpretation: black is zero
		{273, long, 1, 0},  // StripOffsets: set below
		{277, short, 1, 1}, // SamplesPerPixel
		{278, short, 1, 1}, // RowsPerStrip
		{279, long, 1, 1},  // StripByteCounts
	}
	dataAt := uint32(8 + 2 + 12*len(entries) + 4)
	entries[5].value = dataAt
	binary.Write(&b, le, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, e.typ)
		binary.Write(&b, le, e.count)
		binary.Write(&b, le, e.value)
	}
	binary.Write(&b, le, uint32(0)) // no further IFD
	b.WriteByte(0x80)
	return b.Bytes()
}

// DOCX returns a minimal Word document holding text.
func DOCX(text string) []byte {
	return zipOf([][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/document.xml", `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`},
	}, false)
}

// ODT returns a minimal OpenDocument text holding text.
func ODT(text string) []byte {
	return zipOf([][2]string{
		{"mimetype", blob.TypeODT},
		{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		{"content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:text><text:p>` + text + `</text:p></office:text></office:body></office:document-content>`},
	}, true)
}

// zipOf writes a zip archive of the files, the first stored uncompressed when storeFirst is set (as
// OpenDocument requires of its "mimetype" entry).
func zipOf(files [][2]string, storeFirst bool) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, f := range files {
		h := &zip.FileHeader{Name: f[0], Method: zip.Deflate}
		if i == 0 && storeFirst {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			panic(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Random returns n bytes that follow from seed, the same every time: content no other sample has.
func Random(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}
