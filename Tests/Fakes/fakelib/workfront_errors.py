"""Workfront API errors and their JSON envelope.

The envelope layout and the AuthenticationException values match what the
real API returns. Workfront does not document its other exception classes
and msgKeys, so those here are the fake's own choice. Clients must treat any
`error` key as a failure.
"""


class WorkfrontError(Exception):
    """An API error sent as HTTP `status` with the Workfront error envelope."""

    def __init__(self, status, java_class, message, msg_key):
        super().__init__(message)
        self.status = status
        self.java_class = java_class
        self.message = message
        self.msg_key = msg_key

    def envelope(self):
        return {"error": {"class": self.java_class, "message": self.message, "title": None,
                          "msgKey": self.msg_key, "attributes": [""], "code": 0}}


def not_logged_in():
    return WorkfrontError(401, "com.attask.common.AuthenticationException", "You are not currently logged in",
                          "exception.notloggedin")


def not_found(code, object_id):
    return WorkfrontError(404, "com.attask.common.NotFoundException",
                          f"{code} with ID {object_id} was not found", "exception.notfound")


def invalid_parameter(message):
    return WorkfrontError(422, "com.attask.common.InvalidParameterException", message,
                          "exception.invalidparameter")


def unsupported(message):
    return WorkfrontError(400, "com.attask.common.UnsupportedOperationException", message,
                          "exception.unsupported")
