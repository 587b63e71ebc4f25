/** Photos: inspection of uploaded images and the content-addressed photo store (see README.md). */
export { inspectImage, isAcceptedMime, ACCEPTED_TYPES, type ImageInspection, type InspectOptions, type PhotoMime } from './inspect.js';
export { readExifFacts, parseExifDateTime, ASSUMED_OFFSET, type ExifFacts } from './exif.js';
export { phashFromGray32, phashOf, hammingDistance, hashBands, bandNeighbours, isPhash } from './phash.js';
export { PhotoError, isPhotoError, photoErrorCodes, type PhotoErrorCode } from './errors.js';
export { PhotoStore, DEFAULT_MAX_BYTES, type Photo, type PhotoStoreConfig, type SavePhotoInput, type SimilarPhoto, type SimilarQuery, type FileVerdict } from './store.js';
export { PhotoEntity, PhotoCheckEntity, photoEntities, type PhotoRow, type PhotoCheckRow, type PhotoFlag } from './entities.js';
