// Participant page: join the archiving session and show whether it is being recorded.
import { readPageData } from './shared/page-data.js';
import { setRecording } from './shared/recording-indicator.js';
import { joinVideoSession } from './shared/video-session.js';

const pageData = readPageData();
if (pageData.recording) setRecording(true, pageData.recording.name);

joinVideoSession(pageData, {
  onArchiveStarted: (event) => setRecording(true, event.name),
  onArchiveStopped: () => setRecording(false),
});
