package io.mqttlb.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A request body read strictly: a JSON object with only known fields, each of the expected type.
 * Every problem is a {@link BadRequest} whose message tells the caller what to send instead; a
 * field of a nested object is named by its path ({@code "tls.verify"}).
 */
final class JsonBody {
  private final JsonObject json;
  /** Prefixed to field names in messages: empty for the body, {@code "tls."} for its field tls. */
  private final String path;

  private JsonBody(JsonObject json, String path) {
    this.json = json;
    this.path = path;
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
    return checked(json, "", knownFields);
  }

  private static JsonBody checked(JsonObject json, String path, Set<String> knownFields) {
    for (String field : json.fieldNames()) {
      if (!knownFields.contains(field)) {
        throw new BadRequest(400, "unknown field \"" + path + field + "\"; expected " + String.join(", ", knownFields.stream().sorted().toList()));
      }
    }
    return new JsonBody(json, path);
  }

  /** Whether the field is written at all, even as null. */
  boolean has(String field) {
    return json.containsKey(field);
  }

  /** A nested object read as strictly as the body; null when the field is absent or null. */
  JsonBody object(String field, Set<String> knownFields, String example) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject nested)) {
      throw new BadRequest(400, "\"" + path + field + "\" must be an object (or null), e.g. " + example);
    }
    return checked(nested, path + field + ".", knownFields);
  }

  /** A string field; null when absent and not required. */
  String string(String field, boolean required) {
    Object value = json.getValue(field);
    if (value == null) {
      if (required) {
        throw new BadRequest(400, "\"" + path + field + "\" is required");
      }
      return null;
    }
    if (!(value instanceof String text)) {
      throw new BadRequest(400, "\"" + path + field + "\" must be a string");
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
      throw new BadRequest(400, "\"" + path + field + "\" must be a whole number");
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
      throw new BadRequest(400, "\"" + path + field + "\" must be a number");
    }
    return number.doubleValue();
  }

  /** A true-or-false field; null when absent. */
  Boolean bool(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Boolean flag)) {
      throw new BadRequest(400, "\"" + path + field + "\" must be true or false");
    }
    return flag;
  }
}
