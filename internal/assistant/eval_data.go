package assistant

import (
	"bytes"
	_ "embed"
)

// The built-in evaluation set: lead messages to plumbing, dental, HVAC, salon and auto repair
// businesses, labelled with the intent a person reading them would act on, and those businesses'
// qualifying answers, knowledge and hours.
var (
	//go:embed testdata/leads.jsonl
	builtinSet []byte
	//go:embed testdata/trades.json
	builtinTrades []byte
)

// BuiltinEvalSet returns the evaluation set built into textback and its trades.
func BuiltinEvalSet() ([]EvalCase, map[string]Trade, error) {
	set, err := ReadEvalSet(bytes.NewReader(builtinSet))
	if err != nil {
		return nil, nil, err
	}
	trades, err := ReadTrades(bytes.NewReader(builtinTrades))
	if err != nil {
		return nil, nil, err
	}
	return set, trades, nil
}
