package io.piimask.spark;

import org.apache.spark.sql.SparkSessionExtensions;

import scala.Tuple3;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * {@code --conf spark.sql.extensions=io.piimask.spark.PiiMaskExtensions}: every session gets the
 * SQL function {@code piimask_hmac_sha256_hex(value, ipad, opad[, nHex])}.
 */
public final class PiiMaskExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {
  @Override
  public BoxedUnit apply(SparkSessionExtensions ext) {
    ext.injectFunction(new Tuple3<>(PiiFunctions.identifier(), PiiFunctions.info(), PiiFunctions.builder()));
    return BoxedUnit.UNIT;
  }
}
