export { message, notification, Modal } from 'antd';
