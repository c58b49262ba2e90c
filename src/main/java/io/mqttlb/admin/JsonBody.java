package io.mqttlb.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A request body read strictly: a JSON object with only known fields, each of the expected type.
 * Every problem is a {@link BadRequest} whose message tells the caller what to send instead.
 */
final class JsonBody {
  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  static JsonBody parse(Buffer body, Set<String> knownFields, String example) {
    if (body == null || body.length() == 0) {
      throw new BadRequest(400, "a JSON body is required, e.g. " + example);
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new BadRequest(400, "the body is not JSON, e.g. " + example);
    }
    if (!(value instanceof JsonObject json)) {
      throw new BadRequest(400, "the body must be a JSON object, e.g. " + example);
    }
    for (String field : json.fieldNames()) {
      if (!knownFields.contains(field)) {
        throw new BadRequest(400, "unknown field \"" + field + "\"; expected " + String.join(", ", knownFields.stream().sorted().toList()));
      }
    }
    return new JsonBody(json);
  }

  /** A string field; null when absent and not required. */
  String string(String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new BadRequest(400, "\"" + field + "\" is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new BadRequest(400, "\"" + field + "\" must be a string");
    }
    return text;
  }

  /** A whole-number field; null when absent. */
  Integer integer(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer number)) {
      throw new BadRequest(400, "\"" + field + "\" must be a whole number");
    }
    return number;
  }

  /** A number field (whole or not); null when absent. */
  Double number(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number)) {
      throw new BadRequest(400, "\"" + field + "\" must be a number");
    }
    return number.doubleValue();
  }
}
