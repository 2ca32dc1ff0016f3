/**
 * Header values beyond ASCII. Node hands header bytes over as Latin-1, one character per byte, but clients differ in
 * what they put on the wire for a non-ASCII value such as `x-amz-meta-city: Logroño`: botocore (boto3, AWS CLI) sends
 * the Latin-1 byte, the AWS SDK for JavaScript the UTF-8 bytes. Both sign the UTF-8 encoding of the text they meant
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html: the canonical request is UTF-8), so
 * the verifier tries the value as received and then, if it differs, the value with its bytes read as UTF-8; stored
 * metadata keeps the text the client meant.
 */

const NON_ASCII = /[\x80-\xff]/;

/** The value with its (Latin-1 decoded) bytes read as UTF-8, or undefined when that is not valid UTF-8 or changes nothing. */
export function utf8Reading(value: string): string | undefined {
  if (!NON_ASCII.test(value)) return undefined;
  const bytes = Buffer.from(value, "latin1");
  const text = bytes.toString("utf8");
  return Buffer.from(text, "utf8").equals(bytes) && text !== value ? text : undefined;
}

/** The text a client meant by a header value: its UTF-8 reading when it has one, else the value as received. */
export function headerText(value: string): string {
  return utf8Reading(value) ?? value;
}

/**
 * A value ready for an HTTP response header: as is when every character fits in a byte (Node writes Latin-1), else
 * RFC 2047 encoded-word (`=?UTF-8?B?…?=`), which is what AWS S3 answers for such metadata
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html).
 */
export function responseHeaderText(value: string): string {
  return /[^\x00-\xff]/.test(value) ? `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=` : value;
}
