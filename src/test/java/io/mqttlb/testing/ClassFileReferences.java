package io.mqttlb.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one compiled class refers to, read from its constant pool: the classes it calls,
 * creates or casts to, and the types named in its field and method descriptors. A compile-time
 * constant of another class is copied into the referring class, so it adds no reference, just as it
 * loads nothing at run time.
 */
final class ClassFileReferences {
  /** Binary names inside descriptors and class entries: {@code Lio/mqttlb/x/Y;} or {@code io/mqttlb/x/Y}. */
  private static final Pattern INTERNAL_NAME = Pattern.compile("(?:^|L)([a-z][\\w]*(?:/[\\w$]+)+)(?:;|$)");

  private ClassFileReferences() {
  }

  /** Internal names (slashes, {@code $} for nested classes) of every class the file refers to. */
  static Set<String> read(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    Set<String> names = new TreeSet<>();
    // Slot 0 is unused; a long or a double takes two slots (JVMS 4.4.5).
    for (int slot = 1; slot < count; slot++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> addNames(in.readUTF(), names);
        case 7, 8, 16, 19, 20 -> in.skipBytes(2);
        case 15 -> in.skipBytes(3);
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
        case 5, 6 -> {
          in.skipBytes(8);
          slot++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at slot " + slot);
      }
    }
    return names;
  }

  private static void addNames(String utf8, Set<String> names) {
    for (String part : utf8.split("[()\\[<>]")) {
      Matcher m = INTERNAL_NAME.matcher(part);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
  }
}
