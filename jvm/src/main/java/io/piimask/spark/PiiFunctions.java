package io.piimask.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.types.DataTypes;

import scala.Function1;
import scala.collection.Seq;

/**
 * Entry points for PySpark (through py4j) and Scala/Java jobs.
 *
 * <pre>
 * from pyspark.sql.column import Column
 * fns = spark._jvm.io.piimask.spark.PiiFunctions
 * digest = Column(fns.hmacSha256Hex(value._jc, ipad._jc, opad._jc))          # 64 hex
 * hex20  = Column(fns.hmacSha256Hex(value._jc, ipad._jc, opad._jc, 20))      # for tokens
 * fns.register(spark._jsparkSession)   # SQL: piimask_hmac_sha256_hex(value, ipad, opad[, n])
 * </pre>
 */
public final class PiiFunctions {
  private PiiFunctions() {}

  public static Column hmacSha256Hex(Column value, Column ipad, Column opad) {
    return hmacSha256Hex(value, ipad, opad, 64);
  }

  public static Column hmacSha256Hex(Column value, Column ipad, Column opad, int nHex) {
    return new Column(new HmacSha256HexExpr(value.expr(), ipad.expr(), opad.expr(), nHex));
  }

  /** Registers {@code piimask_hmac_sha256_hex(value, ipad, opad[, nHex])} in this session. */
  public static void register(SparkSession spark) {
    spark.sessionState().functionRegistry()
        .registerFunction(identifier(), info(), builder());
  }

  static FunctionIdentifier identifier() {
    return new FunctionIdentifier(HmacSha256HexExpr.NAME);
  }

  static ExpressionInfo info() {
    return new ExpressionInfo(HmacSha256HexExpr.class.getName(), HmacSha256HexExpr.NAME);
  }

  static Function1<Seq<Expression>, Expression> builder() {
    return args -> {
      int n = args.size();
      if (n != 3 && n != 4) {
        throw new IllegalArgumentException(
            HmacSha256HexExpr.NAME + " takes (value, ipad, opad[, nHex]), got " + n + " arguments");
      }
      int nHex = 64;
      if (n == 4) {
        Expression e = args.apply(3);
        if (!e.foldable() || !e.dataType().equals(DataTypes.IntegerType)) {
          throw new IllegalArgumentException(HmacSha256HexExpr.NAME + ": nHex must be an int literal");
        }
        nHex = (Integer) e.eval(null);
      }
      return new HmacSha256HexExpr(args.apply(0), args.apply(1), args.apply(2), nHex);
    };
  }
}
