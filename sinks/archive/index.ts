export { startArchiveSink, archiveStore, type StartArchiveSinkOptions } from './sink.js';
export { schema, withArchiveDefaults, ARCHIVE_DEFAULTS, type ArchiveSinkConfig, type ArchiveS3Config } from './config.js';
export { ArchiveWriter, type ArchiveWriterOptions } from './writer.js';
export { createArchiveDeliver } from './deliver.js';
export { localStore, s3Store, s3Client, type ObjectStore, type ObjectUpload } from './store.js';
export { partitionOf, objectKey, parseObjectKey, safeDataset, topicOfDataset, type ArchiveTopic, type Partition } from './partition.js';
export { localArchive, s3Archive, parseArchivedKey, type ArchiveSource, type ArchivedObject } from './reader.js';
