package manifest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/textback/textback/internal/ivr"
	"github.com/textback/textback/internal/msgtemplate"
	"github.com/textback/textback/internal/store"
)

var (
	ivrKeys       = []string{"greeting", "menu", "after_hours_menu", "closures", "speech", "no_input_message", "invalid_message", "voicemail", "menus"}
	voicemailKeys = []string{"prompt", "goodbye", "max_length", "transcribe"}
	menuKeys      = []string{"id", "prompt", "timeout", "replays", "default", "options"}
	optionKeys    = []string{"key", "label", "words", "action", "say", "ring", "ring_order", "ring_seconds", "then", "menu", "text_back"}
)

// actionKeys lists, for each action, the option keys it takes besides key, label, words, action, say and
// text_back.
var actionKeys = map[store.MenuAction][]string{
	store.ActionRing:        {"ring", "ring_order", "ring_seconds", "then"},
	store.ActionBookingLink: nil,
	store.ActionVoicemail:   nil,
	store.ActionHours:       {"then"},
	store.ActionMenu:        {"menu"},
	store.ActionHangup:      nil,
}

// menuID matches a menu id: lowercase letters, digits and dashes.
var menuID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// Limits of a menu definition. A caller hears every option of a menu before choosing, so menus stay
// short; the limits catch mistakes such as a pasted list, not the size of any real menu.
const (
	maxMenus          = 20
	maxRing           = 10 // Twilio rings at most 10 <Number> nouns of one <Dial> at once
	maxWords          = 10
	maxSpokenChars    = 1000
	maxLabelChars     = 40
	maxWordChars      = 40
	defaultTimeout    = 5
	maxTimeout        = 30
	defaultReplays    = 2
	maxReplays        = 5
	defaultMenuRing   = 20
	minVoicemail      = 10
	maxVoicemail      = 600
	maxTranscribedSec = 120 // Twilio transcribes recordings of 2 to 120 seconds (its error 13617)
)

// menuKeysAllowed are the keys a caller can press to choose an option. # ends input on both
// providers, so it cannot choose one.
const menuKeysAllowed = "0123456789*"

// ivrDefinition is a business's validated ivr block, with the nodes that later checks report at.
type ivrDefinition struct {
	ivr   *store.IVR
	node  *yaml.Node
	path  string
	menus map[string]menuNodes
}

// menuNodes are the nodes of one menu, for messages about it.
type menuNodes struct {
	node    *yaml.Node
	path    string
	options map[string]*yaml.Node
}

// ivrSection validates the business's ivr block and sets b.Settings.IVR. It runs after the numbers,
// whose menu keys it checks.
func (c *checker) ivrSection(business *mapping, b *Business, numbers *numberIndex) {
	path := join(business.path, "ivr")
	if !business.has("ivr") {
		c.checkNumbersWithoutMenu(b, numbers)
		return
	}
	m := c.mapping(business.values["ivr"], path, ivrKeys)
	if m == nil {
		return
	}
	def := &ivrDefinition{ivr: &store.IVR{}, node: m.node, path: path, menus: map[string]menuNodes{}}
	v := def.ivr
	v.Greeting = c.spoken(m, "greeting")
	v.NoInputMessage = c.spoken(m, "no_input_message")
	v.InvalidMessage = c.spoken(m, "invalid_message")
	v.Speech = c.bool(m, "speech", false)
	v.Closures = c.ivrClosures(m)
	v.Voicemail = c.voicemailSettings(m)
	c.menus(m, def, b, numbers)
	v.Menu = c.menuRef(m, "menu", def, true)
	v.AfterHoursMenu = c.menuRef(m, "after_hours_menu", def, false)
	if len(v.Closures) > 0 && v.AfterHoursMenu == "" {
		c.warnf(m.at("closures"), join(path, "closures"), "closures have no effect without after_hours_menu, "+
			"because the same menu plays at all times: set after_hours_menu")
	}
	v.Numbers = c.numberMenus(b, def, numbers)
	c.checkMenuGraph(def, b)
	b.Settings.IVR = v
}

// spoken returns the spoken template at key, which may use {business} only, or "" when it is absent or
// invalid.
func (c *checker) spoken(m *mapping, key string) string {
	t, ok := c.template(m, key, spokenFields, "remove the key to use the default text")
	if !ok || t == nil {
		return ""
	}
	if n := utf8.RuneCountInString(t.Source()); n > maxSpokenChars {
		c.errorf(m.at(key), join(m.path, key), "%s is too long (%d characters): keep it under %d, because "+
			"callers hear it before they can choose", key, n, maxSpokenChars)
		return ""
	}
	return t.Source()
}

// ivrClosures validates the closures list: dates written YYYY-MM-DD, or mappings with from, to and label
// as in a calendar's closures.
func (c *checker) ivrClosures(m *mapping) []store.Closure {
	nodes, ok := c.sequence(m, "closures")
	if !ok {
		return nil
	}
	var out []store.Closure
	for i, n := range nodes {
		itemPath := index(join(m.path, "closures"), i)
		if resolved := resolve(n); resolved != nil && resolved.Kind == yaml.ScalarNode {
			raw, ok := c.scalar(n, itemPath)
			if !ok {
				continue
			}
			date, err := time.Parse(store.DateLayout, strings.TrimSpace(raw))
			if err != nil {
				c.errorf(resolved, itemPath, "invalid date %s: use a date written YYYY-MM-DD, such as 2025-12-25, or "+
					"{from: 2025-12-24, to: 2025-12-26}", quote(raw))
				continue
			}
			day := date.Format(store.DateLayout)
			out = append(out, store.Closure{From: day, To: day})
			continue
		}
		cm := c.mapping(n, itemPath, closureKeys)
		if cm == nil {
			continue
		}
		if closure, ok := c.closure(cm); ok {
			out = append(out, closure)
		}
	}
	return out
}

// voicemailSettings validates the voicemail block.
func (c *checker) voicemailSettings(ivrMap *mapping) store.VoicemailSettings {
	settings := store.VoicemailSettings{MaxLength: ivr.DefaultVoicemailSeconds}
	m := c.mapping(ivrMap.values["voicemail"], join(ivrMap.path, "voicemail"), voicemailKeys)
	if m == nil {
		return settings
	}
	settings.Prompt = c.spoken(m, "prompt")
	settings.Goodbye = c.spoken(m, "goodbye")
	settings.MaxLength = c.integer(m, "max_length", ivr.DefaultVoicemailSeconds, minVoicemail, maxVoicemail)
	settings.Transcribe = c.bool(m, "transcribe", false)
	if settings.Transcribe && settings.MaxLength > maxTranscribedSec {
		c.warnf(m.at("max_length"), join(m.path, "max_length"), "max_length %d is above %d: Twilio transcribes "+
			"only recordings of 2 to %d seconds, so longer messages get no transcript there", settings.MaxLength,
			maxTranscribedSec, maxTranscribedSec)
	}
	return settings
}

// menus validates the menus list into def.
func (c *checker) menus(m *mapping, def *ivrDefinition, b *Business, numbers *numberIndex) {
	nodes, ok := c.sequence(m, "menus")
	path := join(m.path, "menus")
	if ok && len(nodes) == 0 {
		c.errorf(m.at("menus"), path, "no menus: declare at least one, with an id, a prompt and options")
		return
	}
	for i, n := range nodes {
		itemPath := index(path, i)
		if i == maxMenus {
			c.errorf(n, itemPath, "menus lists %d menus, more than the maximum of %d: remove %d", len(nodes), maxMenus,
				len(nodes)-maxMenus)
			break
		}
		mm := c.mapping(n, itemPath, menuKeys)
		if mm == nil {
			continue
		}
		menu, nodes := c.menu(mm, def.ivr.Speech, b, numbers)
		if menu.ID == "" {
			continue
		}
		if first, seen := def.menus[menu.ID]; seen {
			c.errorf(mm.at("id"), join(itemPath, "id"), "duplicate menu id %s, first used at line %d: give each menu "+
				"its own id", quote(menu.ID), first.node.Line)
			continue
		}
		def.menus[menu.ID] = nodes
		def.ivr.Menus = append(def.ivr.Menus, menu)
	}
}

// menu validates one menu.
func (c *checker) menu(m *mapping, speech bool, b *Business, numbers *numberIndex) (store.Menu, menuNodes) {
	menu := store.Menu{}
	nodes := menuNodes{node: m.node, path: m.path, options: map[string]*yaml.Node{}}
	if id, ok := c.required(m, "id", "a short id such as main"); ok {
		if menuID.MatchString(id) {
			menu.ID = id
		} else {
			c.errorf(m.at("id"), join(m.path, "id"), "invalid id %s: use 1 to 32 lowercase letters, digits and dashes, "+
				"starting with a letter or digit, such as main", quote(id))
		}
	}
	if _, ok := c.required(m, "prompt", "what the caller hears, such as \"For a booking, press 1.\""); ok {
		menu.Prompt = c.spoken(m, "prompt")
	}
	menu.Timeout = c.integer(m, "timeout", defaultTimeout, 1, maxTimeout)
	menu.Replays = c.integer(m, "replays", defaultReplays, 0, maxReplays)
	c.options(m, &menu, &nodes, speech, b, numbers)
	if key, ok := c.string(m, "default"); ok {
		key = strings.TrimSpace(key)
		if _, found := menu.OptionByKey(key); found {
			menu.Default = key
		} else if len(menu.Options) > 0 {
			c.errorf(m.at("default"), join(m.path, "default"), "default %s is not a key of this menu's options: use "+
				"one of %s, or remove default to hang up when the replays run out", quote(key), optionKeyList(menu))
		}
	}
	return menu, nodes
}

// options validates a menu's options list into menu and nodes.
func (c *checker) options(m *mapping, menu *store.Menu, nodes *menuNodes, speech bool, b *Business, numbers *numberIndex) {
	items, ok := c.sequence(m, "options")
	path := join(m.path, "options")
	if ok && len(items) == 0 || !m.has("options") {
		c.errorf(m.at("options"), path, "no options: list at least one, such as {key: 1, action: voicemail}")
		return
	}
	words := map[string]string{}
	for i, n := range items {
		itemPath := index(path, i)
		if i == len(menuKeysAllowed) {
			c.errorf(n, itemPath, "options lists %d options, but a caller can press only %d keys (%s)", len(items),
				len(menuKeysAllowed), menuKeysAllowed)
			break
		}
		om := c.mapping(n, itemPath, optionKeys)
		if om == nil {
			continue
		}
		option := c.option(om, b, numbers)
		if option.Key == "" {
			continue
		}
		if first, seen := nodes.options[option.Key]; seen {
			c.errorf(om.at("key"), join(itemPath, "key"), "duplicate key %s, first used at line %d: give each option "+
				"its own key", quote(option.Key), first.Line)
			continue
		}
		c.checkWords(om, option, words, speech)
		nodes.options[option.Key] = om.node
		menu.Options = append(menu.Options, option)
		if option.TextBack != "" && menu.ID != "" {
			name := fmt.Sprintf("menu %s option %s text_back", menu.ID, option.Key)
			b.Templates = append(b.Templates, c.report(om.sms("text_back", name, option.TextBack), b))
		}
	}
}

// option validates one option.
func (c *checker) option(m *mapping, b *Business, numbers *numberIndex) store.MenuOption {
	option := store.MenuOption{}
	if key, ok := c.required(m, "key", "the key that chooses the option, such as 1"); ok {
		key = strings.TrimSpace(key)
		if len(key) == 1 && strings.Contains(menuKeysAllowed, key) {
			option.Key = key
		} else {
			c.errorf(m.at("key"), join(m.path, "key"), "invalid key %s: use one digit from 0 to 9, or *", quote(key))
		}
	}
	option.Label = c.label(m)
	option.Words = c.words(m)
	option.Say = c.spoken(m, "say")
	option.Action = c.action(m)
	c.actionSettings(m, &option, b, numbers)
	if tmpl, ok := c.template(m, "text_back", msgtemplate.AllFields(), "remove the key to send the business's "+
		"own text back"); ok && tmpl != nil {
		option.TextBack = tmpl.Source()
	}
	return option
}

// label returns the option's label: one line of at most maxLabelChars characters.
func (c *checker) label(m *mapping) string {
	label, ok := c.string(m, "label")
	if !ok {
		return ""
	}
	label = strings.TrimSpace(label)
	if n := utf8.RuneCountInString(label); n > maxLabelChars || strings.ContainsAny(label, "\r\n") {
		c.errorf(m.at("label"), join(m.path, "label"), "invalid label %s: use one line of at most %d characters, "+
			"such as emergency", quote(label), maxLabelChars)
		return ""
	}
	return label
}

// action returns the option's action, or "" after recording an error.
func (c *checker) action(m *mapping) store.MenuAction {
	raw, ok := c.required(m, "action", "ring, text_booking_link, voicemail, hours, menu or hangup")
	if !ok {
		return ""
	}
	action := store.MenuAction(strings.TrimSpace(raw))
	if _, known := actionKeys[action]; !known {
		c.errorf(m.at("action"), join(m.path, "action"), "unknown action %s: use ring, text_booking_link, voicemail, "+
			"hours, menu or hangup", quote(raw))
		return ""
	}
	return action
}

// words validates the words that choose the option by speech.
func (c *checker) words(m *mapping) []string {
	items, ok := c.sequence(m, "words")
	if !ok {
		return nil
	}
	path := join(m.path, "words")
	if len(items) > maxWords {
		c.errorf(m.at("words"), path, "words lists %d words, more than the maximum of %d", len(items), maxWords)
		return nil
	}
	var out []string
	for i, n := range items {
		raw, ok := c.scalar(n, index(path, i))
		if !ok {
			continue
		}
		word := strings.Join(strings.Fields(strings.ToLower(raw)), " ")
		if word == "" || utf8.RuneCountInString(word) > maxWordChars || strings.IndexFunc(word, notWordRune) >= 0 {
			c.errorf(resolve(n), index(path, i), "invalid word %s: use 1 to %d letters, digits and spaces, such as "+
				"emergency", quote(raw), maxWordChars)
			continue
		}
		out = append(out, word)
	}
	return out
}

// notWordRune reports whether r cannot be part of a spoken word or phrase.
func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != ' ' && r != '\''
}

// checkWords records an error for a word that another option of the menu also uses, since the caller's
// words would then choose neither, and warns about words that have no effect without speech.
func (c *checker) checkWords(m *mapping, option store.MenuOption, seen map[string]string, speech bool) {
	if len(option.Words) > 0 && !speech {
		c.warnf(m.at("words"), join(m.path, "words"), "words have no effect, because the ivr does not accept "+
			"speech: set speech: true, or remove them")
	}
	for _, word := range option.Words {
		if other, used := seen[word]; used && other != option.Key {
			c.errorf(m.at("words"), join(m.path, "words"), "word %s also chooses option %s of this menu, so saying it "+
				"would choose neither: keep it on one option", quote(word), other)
			continue
		}
		seen[word] = option.Key
	}
}

// actionSettings validates the keys that the option's action takes, and rejects those it does not.
func (c *checker) actionSettings(m *mapping, option *store.MenuOption, b *Business, numbers *numberIndex) {
	allowed := actionKeys[option.Action]
	for _, key := range []string{"ring", "ring_order", "ring_seconds", "then", "menu"} {
		if m.has(key) && option.Action != "" && !slices.Contains(allowed, key) {
			c.errorf(m.at(key), join(m.path, key), "%s does not apply to action %s: remove it", key, option.Action)
		}
	}
	switch option.Action {
	case store.ActionRing:
		c.ringSettings(m, option, b, numbers)
	case store.ActionHours:
		option.Then = c.then(m)
	case store.ActionMenu:
		if target, ok := c.required(m, "menu", "the id of the menu to go to"); ok {
			option.Target = strings.TrimSpace(target)
		}
	case store.ActionBookingLink:
		if b.BookingURL == "" {
			c.errorf(m.at("action"), join(m.path, "action"), "action text_booking_link needs the business's "+
				"booking_url: set booking_url, or choose another action")
		}
		if !b.TextBack.Enabled {
			c.errorf(m.at("action"), join(m.path, "action"), "action text_booking_link texts the caller, but "+
				"text_back.enabled is false: choose another action, or enable text backs")
		}
	}
}

// ringSettings validates the numbers that a ring option rings, their order and ring time, and what
// follows when nobody answers.
func (c *checker) ringSettings(m *mapping, option *store.MenuOption, b *Business, numbers *numberIndex) {
	items, ok := c.sequence(m, "ring")
	path := join(m.path, "ring")
	switch {
	case ok && len(items) == 0:
		c.errorf(m.at("ring"), path, "missing ring: list the numbers to ring, such as [\"+13125550100\"]")
	case len(items) > maxRing:
		c.errorf(m.at("ring"), path, "ring lists %d numbers, more than the maximum of %d", len(items), maxRing)
		items = nil
	}
	for i, n := range items {
		raw, ok := c.scalar(n, index(path, i))
		if !ok {
			continue
		}
		item := &mapping{node: resolve(n), path: path, values: map[string]*yaml.Node{"ring": n}}
		e164 := c.phoneNumber(item, "ring", raw, b.Region)
		if e164 == "" {
			continue
		}
		if slices.Contains(option.Ring, e164) {
			c.errorf(resolve(n), index(path, i), "%s is listed twice: list each number once", e164)
			continue
		}
		numbers.rings = append(numbers.rings, forward{e164: e164, node: resolve(n), path: index(path, i)})
		option.Ring = append(option.Ring, e164)
	}
	if !m.has("ring") {
		c.errorf(m.node, path, "missing ring: list the numbers to ring, such as [\"+13125550100\"]")
	}
	option.RingOrder = store.RingTogether
	if order, ok := c.string(m, "ring_order"); ok {
		switch strings.TrimSpace(order) {
		case store.RingTogether, store.RingInOrder:
			option.RingOrder = strings.TrimSpace(order)
		default:
			c.errorf(m.at("ring_order"), join(m.path, "ring_order"), "unknown ring_order %s: use together, where "+
				"every number rings at once, or in_order, where each rings in turn", quote(order))
		}
	}
	option.RingSeconds = c.integer(m, "ring_seconds", defaultMenuRing, minRingSeconds, maxRingSeconds)
	if option.RingSeconds > voicemailRingSeconds {
		c.warnf(m.at("ring_seconds"), join(m.path, "ring_seconds"), "ring_seconds %d is above %d, so a rung "+
			"phone's own voicemail may answer first: use %d or less", option.RingSeconds, voicemailRingSeconds,
			voicemailRingSeconds)
	}
	option.Then = c.then(m)
}

// then validates what follows an unanswered ring or the hours: voicemail, hangup or menu:<id>. The
// menu is checked once every menu is known.
func (c *checker) then(m *mapping) string {
	raw, ok := c.string(m, "then")
	if !ok {
		return ""
	}
	then := strings.TrimSpace(raw)
	id, isMenu := strings.CutPrefix(then, ivr.ThenMenuPrefix)
	if then == ivr.ThenVoicemail || then == ivr.ThenHangup || isMenu && id != "" {
		return then
	}
	c.errorf(m.at("then"), join(m.path, "then"), "invalid then %s: use voicemail, hangup, or menu: followed by a "+
		"menu id, such as menu:main", quote(raw))
	return ""
}

// menuRef returns the menu id at key of the ivr block, which must name a menu.
func (c *checker) menuRef(m *mapping, key string, def *ivrDefinition, required bool) string {
	if !m.has(key) {
		if required {
			c.errorf(m.at(key), join(m.path, key), "missing %s: set it to the id of the menu callers hear first", key)
		}
		return ""
	}
	id, ok := c.string(m, key)
	if !ok {
		return ""
	}
	id = strings.TrimSpace(id)
	if _, found := def.ivr.MenuByID(id); !found {
		c.errorf(m.at(key), join(m.path, key), "%s %s is not a menu: use one of %s", key, quote(id), menuIDList(def.ivr))
		return ""
	}
	return id
}

// numberMenus checks the menu keys of the business's numbers and returns the numbers whose menus differ
// from the business's.
func (c *checker) numberMenus(b *Business, def *ivrDefinition, numbers *numberIndex) map[string]store.NumberMenus {
	out := map[string]store.NumberMenus{}
	for i := range b.Numbers {
		n := &b.Numbers[i]
		nodes := numbers.menuRefs[n.Line]
		choice := store.NumberMenus{Off: n.MenuOff}
		for _, ref := range []struct {
			id     *string
			target *string
			node   *yaml.Node
			key    string
		}{{&n.Menu, &choice.Menu, nodes.menu, "menu"}, {&n.AfterHoursMenu, &choice.AfterHoursMenu, nodes.afterHours,
			"after_hours_menu"}} {
			if *ref.id == "" {
				continue
			}
			if _, found := def.ivr.MenuByID(*ref.id); !found {
				c.errorf(ref.node, join(nodes.path, ref.key), "%s %s is not a menu of the business's ivr: use one "+
					"of %s", ref.key, quote(*ref.id), menuIDList(def.ivr))
				*ref.id = ""
				continue
			}
			*ref.target = *ref.id
		}
		if choice != (store.NumberMenus{}) && n.E164 != "" {
			out[n.E164] = choice
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// checkNumbersWithoutMenu records an error for a number that names a menu of a business without an ivr
// block.
func (c *checker) checkNumbersWithoutMenu(b *Business, numbers *numberIndex) {
	for _, n := range b.Numbers {
		nodes := numbers.menuRefs[n.Line]
		for _, ref := range []struct {
			id   string
			node *yaml.Node
			key  string
		}{{n.Menu, nodes.menu, "menu"}, {n.AfterHoursMenu, nodes.afterHours, "after_hours_menu"}} {
			if ref.id != "" {
				c.errorf(ref.node, join(nodes.path, ref.key), "%s %s names a menu, but the business has no ivr: "+
					"declare the menus under ivr, or remove %s", ref.key, quote(ref.id), ref.key)
			}
		}
	}
}

// optionKeyList lists the keys of menu's options for messages.
func optionKeyList(menu store.Menu) string {
	keys := make([]string, len(menu.Options))
	for i, o := range menu.Options {
		keys[i] = o.Key
	}
	return strings.Join(keys, ", ")
}

// menuIDList lists the ids of the menus for messages.
func menuIDList(v *store.IVR) string {
	ids := make([]string, len(v.Menus))
	for i, m := range v.Menus {
		ids[i] = m.ID
	}
	if len(ids) == 0 {
		return "the ids under menus"
	}
	return strings.Join(ids, ", ")
}

// numberMenuRef is where a number sets menu and after_hours_menu, for messages that the ivr block's
// check reports.
type numberMenuRef struct {
	menu, afterHours *yaml.Node
	path             string
}

// numberMenuKeys reads a number's menu and after_hours_menu, which the ivr block's check validates.
// menu: none plays no menu on the number.
func (c *checker) numberMenuKeys(m *mapping, num *Number, numbers *numberIndex) {
	ref := numberMenuRef{path: m.path}
	if id, ok := c.string(m, "menu"); ok {
		ref.menu = m.at("menu")
		if id = strings.TrimSpace(id); id == "none" {
			num.MenuOff = true
		} else {
			num.Menu = id
		}
	}
	if id, ok := c.string(m, "after_hours_menu"); ok {
		ref.afterHours = m.at("after_hours_menu")
		num.AfterHoursMenu = strings.TrimSpace(id)
		if num.MenuOff {
			c.errorf(ref.afterHours, join(m.path, "after_hours_menu"), "after_hours_menu has no effect with "+
				"menu: none: remove one of them")
		}
	}
	if numbers.menuRefs == nil {
		numbers.menuRefs = map[int]numberMenuRef{}
	}
	numbers.menuRefs[num.Line] = ref
}

// checkRingLoops records an error for each number that a menu rings and that is one of the file's own
// numbers, since ringing it would send the call back into textback.
func (c *checker) checkRingLoops(numbers *numberIndex) {
	for _, r := range numbers.rings {
		if line, ok := numbers.lines[r.e164]; ok {
			c.errorf(r.node, r.path, "%s is a textback number listed at line %d, so ringing it would loop the call "+
				"through textback: ring the business's own phone", r.e164, line)
		}
	}
}
