package phone

import (
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// usStateCodes maps the names that the phonenumbers geocoding data uses for US states and the District of
// Columbia to their two-letter postal codes. The data writes "Washington State" and "Washington D.C." to keep
// the two apart.
var usStateCodes = map[string]string{
	"Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
	"Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "Florida": "FL", "Georgia": "GA",
	"Hawaii": "HI", "Idaho": "ID", "Illinois": "IL", "Indiana": "IN", "Iowa": "IA",
	"Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA", "Maine": "ME", "Maryland": "MD",
	"Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO",
	"Montana": "MT", "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ",
	"New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH",
	"Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC",
	"South Dakota": "SD", "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT",
	"Virginia": "VA", "Washington": "WA", "Washington State": "WA", "West Virginia": "WV", "Wisconsin": "WI",
	"Wyoming": "WY", "Washington D.C.": "DC", "District of Columbia": "DC",
}

// usPostalCodes contains the codes of usStateCodes, for descriptions of the form "Chicago, IL".
var usPostalCodes = func() map[string]bool {
	codes := make(map[string]bool, len(usStateCodes))
	for _, code := range usStateCodes {
		codes[code] = true
	}
	return codes
}()

// USState returns the two-letter postal code of the US state, or "DC", that the prefix of e164 is assigned
// to according to the English geocoding data of phonenumbers, for example "FL" for "+13055550100" and "IL" for
// "+13125550199" (geocoded as "Chicago, IL").
//
// It returns "" for invalid numbers and for numbers outside the US region, which include Canada, Puerto Rico
// and the other members of the +1 plan. It also returns "" for numbers without a geographic prefix, such as
// toll-free numbers, which the data describes only as "United States". The first call loads the geocoding data, which takes about
// 0.2 s; later calls take microseconds.
//
// NOTE: the area code shows where a number was issued, not where its user is now.
func USState(e164 string) string {
	parsed, err := parseValid(e164, "")
	if err != nil || parsed.GetCountryCode() != 1 || phonenumbers.GetRegionCodeForNumber(parsed) != "US" {
		return ""
	}

	description, err := phonenumbers.GetGeocodingForNumber(parsed, "en")
	if err != nil {
		return ""
	}

	// City-level entries end in the postal code: "Chicago, IL" or "Windsor North, Orem, UT".
	if i := strings.LastIndex(description, ", "); i >= 0 {
		if code := description[i+2:]; usPostalCodes[code] {
			return code
		}
		return ""
	}
	return usStateCodes[description]
}
