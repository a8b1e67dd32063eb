package io.piimask.spark;

import org.apache.spark.sql.api.java.UDF3;

/**
 * Spark Java UDF: {@code (value binary, ipad binary, opad binary) -> string}, the 64 lowercase
 * hex characters of HMAC-SHA256(key, value), null if any input is null.
 *
 * <p>Register from PySpark with
 * {@code spark.udf.registerJavaFunction("piimask_hmac_sha256_hex", "io.piimask.spark.HmacSha256Hex", StringType())}
 * and call it on {@code value.cast("binary")}: a string cast to binary hands over its UTF-8 bytes
 * as they are (one copy, no decoding), whereas a {@code String} parameter would decode every
 * value to UTF-16 and lose the bytes that are not valid UTF-8.
 *
 * <p>Each task deserializes its own instance, so the key-state cache is per task; an instance is
 * safe to share anyway (see {@link HmacSha256}).
 */
public class HmacSha256Hex implements UDF3<byte[], byte[], byte[], String> {
  private static final long serialVersionUID = 1L;

  private transient HmacSha256 hmac;

  @Override
  public String call(byte[] value, byte[] ipad, byte[] opad) {
    if (value == null || ipad == null || opad == null) {
      return null;
    }
    HmacSha256 h = hmac;
    if (h == null) {
      h = hmac = new HmacSha256();
    }
    return h.hex(value, ipad, opad, 64);
  }
}
