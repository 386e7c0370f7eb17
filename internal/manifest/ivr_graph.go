package manifest

import (
	"slices"
	"strings"

	"github.com/textback/textback/internal/ivr"
	"github.com/textback/textback/internal/store"
)

// checkMenuGraph checks the menus as a whole: every menu an option goes to exists, every menu is
// heard, every menu leads to a way to end the call, and a caller who presses nothing reaches an end
// instead of going round the menus.
func (c *checker) checkMenuGraph(def *ivrDefinition, b *Business) {
	if !c.checkTargets(def) {
		return
	}
	if def.ivr.Menu == "" {
		// The first menu is missing or unknown, which is reported already; every menu would seem unheard.
		return
	}
	reached := reachedMenus(def.ivr, firstMenus(def.ivr, b))
	exits := menusWithExit(def.ivr)
	for _, menu := range def.ivr.Menus {
		nodes := def.menus[menu.ID]
		switch {
		case !reached[menu.ID]:
			c.errorf(nodes.node, nodes.path, "menu %s is never heard, because no first menu and no option leads "+
				"to it: name it in menu or after_hours_menu, point an option at it, or remove it", menu.ID)
		case !exits[menu.ID]:
			c.errorf(nodes.node, nodes.path, "menu %s and the menus it leads to cannot end the call: add an option "+
				"that rings, texts the booking link, takes a voicemail or hangs up, or remove default so the call "+
				"ends when the replays run out", menu.ID)
		}
		if loop := silentLoop(def.ivr, menu.ID); loop != nil {
			c.errorf(nodes.node, join(nodes.path, "default"), "a caller who presses nothing goes round the menus %s "+
				"without end: give one of them a default that ends the call, or remove its default",
				strings.Join(loop, " → "))
		}
	}
}

// checkTargets records an error for each option that goes to a menu that does not exist, and reports
// whether every target exists.
func (c *checker) checkTargets(def *ivrDefinition) bool {
	ok := true
	for _, menu := range def.ivr.Menus {
		for i, option := range menu.Options {
			for _, target := range optionTargets(option, menu.ID) {
				if _, found := def.ivr.MenuByID(target); found {
					continue
				}
				ok = false
				key := "menu"
				if option.Action != store.ActionMenu {
					key = "then"
				}
				nodes := def.menus[menu.ID]
				c.errorf(nodes.options[option.Key], join(index(join(nodes.path, "options"), i), key),
					"menu %s does not exist: use one of %s", quote(target), menuIDList(def.ivr))
			}
		}
	}
	return ok
}

// firstMenus returns the menus that start calls: the business's and its numbers' first menus.
func firstMenus(v *store.IVR, b *Business) []string {
	starts := []string{v.Menu, v.AfterHoursMenu}
	for _, n := range b.Numbers {
		starts = append(starts, n.Menu, n.AfterHoursMenu)
	}
	return slices.DeleteFunc(starts, func(id string) bool { return id == "" })
}

// optionTargets returns the menus that option of the menu with id leads to.
func optionTargets(option store.MenuOption, id string) []string {
	switch option.Action {
	case store.ActionMenu:
		return []string{option.Target}
	case store.ActionHours:
		if option.Then == "" {
			return []string{id}
		}
	}
	if target, ok := strings.CutPrefix(option.Then, ivr.ThenMenuPrefix); ok {
		return []string{target}
	}
	return nil
}

// reachedMenus returns the menus that a caller can hear from the starts.
func reachedMenus(v *store.IVR, starts []string) map[string]bool {
	reached := map[string]bool{}
	queue := slices.Clone(starts)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		menu, ok := v.MenuByID(id)
		if !ok || reached[id] {
			continue
		}
		reached[id] = true
		for _, option := range menu.Options {
			queue = append(queue, optionTargets(option, id)...)
		}
	}
	return reached
}

// endsCall reports whether option can end the call by itself: a person may take a rung call, and the
// other actions say goodbye.
func endsCall(option store.MenuOption) bool {
	switch option.Action {
	case store.ActionRing, store.ActionBookingLink, store.ActionVoicemail, store.ActionHangup:
		return true
	case store.ActionHours:
		return option.Then == ivr.ThenVoicemail || option.Then == ivr.ThenHangup
	}
	return false
}

// menusWithExit returns the menus from which a caller can end the call: menus with an option that
// ends it or without a default, which hang up when the replays run out, and menus that lead to one.
func menusWithExit(v *store.IVR) map[string]bool {
	exits := map[string]bool{}
	for _, menu := range v.Menus {
		exits[menu.ID] = menu.Default == "" || slices.ContainsFunc(menu.Options, endsCall)
	}
	for changed := true; changed; {
		changed = false
		for _, menu := range v.Menus {
			if exits[menu.ID] {
				continue
			}
			for _, option := range menu.Options {
				for _, target := range optionTargets(option, menu.ID) {
					if exits[target] {
						exits[menu.ID], changed = true, true
					}
				}
			}
		}
	}
	return exits
}

// silentLoop returns the menus that a caller who never presses a key goes round from the menu with
// id, or nil when such a caller reaches an end. Each menu then takes its default option, and a rung
// number is taken to go unanswered.
func silentLoop(v *store.IVR, id string) []string {
	var path []string
	for {
		if i := slices.Index(path, id); i >= 0 {
			return append(path[i:], id)
		}
		path = append(path, id)
		menu, ok := v.MenuByID(id)
		if !ok || menu.Default == "" {
			return nil
		}
		option, ok := menu.OptionByKey(menu.Default)
		if !ok {
			return nil
		}
		targets := optionTargets(option, id)
		if len(targets) == 0 {
			return nil
		}
		id = targets[0]
	}
}
