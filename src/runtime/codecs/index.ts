export { decodeRequest, encodeRecord, RowBuffer, type Decoded } from './decode.js';
export { encodeResponse, responseCodec, contentTypeOf, type Predictions } from './encode.js';
export { mediaType, codecOf, MAX_PAYLOAD_BYTES, CSV, JSON_TYPE, JSONLINES, type Codec } from './content-type.js';
