package team

// KindVoicemail is the kind of alert about a voicemail that a caller left in a phone menu.
const KindVoicemail = "voicemail"
