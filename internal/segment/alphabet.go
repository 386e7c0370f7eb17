package segment

// gsm7Basic is the GSM 03.38 default alphabet in code order 0x00 to 0x7F. Code 0x1B is the escape to the
// extension table and has no character of its own, so the string has 127 characters.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmno" +
	"pqrstuvwxyzäöñüà"

// gsm7Extension is the GSM 03.38 extension table. Each character is sent as the escape code followed by its
// own code, so it costs 2 septets.
const gsm7Extension = "\f^{}\\[~]|€"

// asciiWidth and otherWidth store the septets per character (1 or 2). Characters absent from both cost 0,
// which marks them as outside GSM-7. ASCII has its own array because typical bodies are mostly ASCII.
var (
	asciiWidth [128]uint8
	otherWidth = map[rune]int{}
)

func init() {
	for _, r := range gsm7Basic {
		setWidth(r, 1)
	}
	for _, r := range gsm7Extension {
		setWidth(r, 2)
	}
}

func setWidth(r rune, width int) {
	if r < 128 {
		asciiWidth[r] = uint8(width)
		return
	}
	otherWidth[r] = width
}

// gsm7Width returns the septets r costs in GSM-7, or 0 when r is not in the basic or extension table.
func gsm7Width(r rune) int {
	if r >= 0 && r < 128 {
		return int(asciiWidth[r])
	}
	return otherWidth[r]
}
