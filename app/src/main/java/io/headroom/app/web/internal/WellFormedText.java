package io.headroom.app.web.internal;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.std.StdDeserializer;

/**
 * Reads a JSON string, and only a JSON string, that is well-formed Unicode text: no NUL character and no unpaired
 * UTF-16 surrogate (both can be written as JSON escapes). A number or boolean where text belongs is refused rather
 * than turned into text. Found by the proof suite's bad-input verdict: {@code "name": "\ud800"} was stored as "?"
 * (the JDBC driver replaces what UTF-8 cannot encode), and {@code "sku": true} as "true".
 */
final class WellFormedText extends StdDeserializer<String> {

    WellFormedText() {
        super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            return (String) ctxt.handleUnexpectedToken(String.class, p);
        }
        String text = p.getString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return ctxt.reportInputMismatch(String.class, "must not contain a NUL character (at character %d)", i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return ctxt.reportInputMismatch(String.class, "must be valid Unicode text (an unpaired surrogate \\u%04x at character %d)", (int) c, i);
            }
        }
        return text;
    }
}
