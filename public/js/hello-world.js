// Hello World page: join the group chat session and publish the camera.
import { readPageData } from './shared/page-data.js';
import { joinVideoSession } from './shared/video-session.js';

joinVideoSession(readPageData());
